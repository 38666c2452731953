package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServerlessServiceStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  public Long observedGeneration;

  @JsonPropertyDescription("Ready, Reconciling and Degraded, each with a CamelCase reason and a message.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("One entry per AWS resource, in dependency order.")
  public List<ManagedResource> resources = new ArrayList<>();

  @JsonPropertyDescription("Per-function code, versions and alias.")
  public List<FunctionStatus> functions = new ArrayList<>();

  @JsonPropertyDescription("What applications need: REST URL, WebSocket URL, function and alias ARNs, topic ARNs, parameter names. Also in the ConfigMap <name>-outputs.")
  public Map<String, String> outputs = new LinkedHashMap<>();
}
