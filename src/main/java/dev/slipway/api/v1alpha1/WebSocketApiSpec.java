package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.LinkedHashMap;
import java.util.Map;

/** A WebSocket API (API Gateway v2) whose route keys invoke the functions' stage aliases. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WebSocketApiSpec {

  @Size(max = 128)
  @JsonPropertyDescription("API name; defaults to <namePrefix>-ws.")
  public String name;

  @Pattern("^[a-zA-Z0-9_-]{1,128}$")
  @JsonPropertyDescription("Stage the API is deployed to; part of the wss:// URL. Defaults to spec.stage.")
  public String stageName;

  @Default("$request.body.action")
  @Size(max = 256)
  @JsonPropertyDescription("How a message picks its route, for example $request.body.action.")
  public String routeSelectionExpression = "$request.body.action";

  @Required
  @Size(min = 1, max = 64)
  @JsonPropertyDescription("Route key ($connect, $disconnect, $default or a custom action) to the name of a function of this service.")
  public Map<String, String> routes = new LinkedHashMap<>();
}
