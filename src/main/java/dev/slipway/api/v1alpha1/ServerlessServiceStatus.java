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

  @JsonPropertyDescription("The value of the annotation slipway.dev/reconcile-requested-at that the operator handled last (a reconcile started after it was set): a tool that sets the annotation waits for this to match.")
  public String lastHandledReconcileAt;

  @JsonPropertyDescription("When a converge last read what the spec leaves at its default (no TTL, point-in-time recovery,"
      + " provisioned concurrency or role policy besides Slipway's) and found it so or put it back (RFC 3339). Resyncs in between"
      + " read only what the spec sets; the operator's slipway.defaults-check-period says how often.")
  public String defaultsCheckedAt;

  @JsonPropertyDescription("Ready, Reconciling and Degraded, each with a CamelCase reason and a message; Stalled (kstatus) only while a terminal error holds: an invalid spec, a refusal by the tenancy or AWS, a field AWS cannot change, a resource the service does not own.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("One entry per AWS resource, in dependency order.")
  public List<ManagedResource> resources = new ArrayList<>();

  @JsonPropertyDescription("Per-function code, versions and alias.")
  public List<FunctionStatus> functions = new ArrayList<>();

  @JsonPropertyDescription("What applications need: REST URL, WebSocket URL, function and alias ARNs, topic ARNs, parameter names. Also in the ConfigMap <name>-outputs.")
  public Map<String, String> outputs = new LinkedHashMap<>();
}
