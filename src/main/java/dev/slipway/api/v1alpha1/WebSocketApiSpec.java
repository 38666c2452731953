package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A WebSocket API (API Gateway v2) whose route keys invoke the functions' stage aliases. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.authorizer) || '$connect' in self.routes",
    message = "authorizer checks $connect: declare a $connect route",
    reason = "FieldValueInvalid")
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

  @JsonPropertyDescription("Default throttling of the stage's routes.")
  public RestApiSpec.Throttling throttling;

  @JsonPropertyDescription("CloudWatch metrics per route (detailed metrics, billed per metric) on the stage. Absent: left as AWS has it (off when Slipway creates the stage).")
  public Boolean detailedMetrics;

  @Size(max = 64)
  @JsonPropertyDescription("Stage variables (name to value), read by integrations as ${stageVariables.name}. Names: letters, digits and"
      + " underscores. When set, the stage has exactly these. Values are not secret: they appear in the stage's configuration and in status messages.")
  public Map<String, @Size(max = 512) @Pattern(RestApiSpec.STAGE_VARIABLE_VALUE) String> stageVariables;

  @JsonPropertyDescription("Access logging of the stage: one line per connect, message and disconnect to a log group Slipway creates."
      + " Absent: none; removing it stops the stage's logging.")
  public AccessLogSpec accessLog;

  @Required
  @Size(min = 1, max = 64)
  @JsonPropertyDescription("Route key ($connect, $disconnect, $default or a custom action) to the name of a function of this service.")
  public Map<String, String> routes = new LinkedHashMap<>();

  @JsonPropertyDescription("A Lambda authorizer on the $connect route, as API Gateway allows for WebSocket APIs: a connection is"
      + " accepted only when the function returns an Allow policy for it.")
  public Authorizer authorizer;

  /** A REQUEST authorizer: API Gateway calls the function's stage alias with the identity sources of the connect request. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Authorizer {
    public static final String DEFAULT_IDENTITY_SOURCE = "route.request.querystring.token";

    @Required
    @Size(max = 40)
    @JsonPropertyDescription("Name of a function of this service; its stage alias is invoked, with an invoke grant scoped to this API's authorizers.")
    public String function;

    @Size(min = 1, max = 5)
    @JsonPropertyDescription("Where the credentials are in the connect request, e.g. route.request.querystring.token or"
        + " route.request.header.Authorization; a request without them is refused before the function runs."
        + " Default: route.request.querystring.token (browsers cannot set headers on a WebSocket).")
    public List<@Pattern("^route\\.request\\.(header|querystring)\\.[A-Za-z0-9_.-]{1,128}$") String> identitySources =
        new ArrayList<>(List.of(DEFAULT_IDENTITY_SOURCE));
  }
}
