package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

/**
 * Where a release shifts traffic, as resolved when it started. A release keeps to it until it ends,
 * so a service edited mid-release (stage, namePrefix, roleArn) or deleted never makes stored version
 * numbers apply to another function or alias, and a deleted release can still restore its alias.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PinnedTarget {

  @JsonPropertyDescription("AWS region of the function.")
  public String region;

  @JsonPropertyDescription("Role assumed for the release's AWS calls; absent: the operator's own identity.")
  public String roleArn;

  @JsonPropertyDescription("Physical name of the function.")
  public String function;

  @JsonPropertyDescription("Alias whose traffic the release shifts.")
  public String alias;

  @JsonPropertyDescription("The service's REST API name, for API Gateway metrics.")
  public String apiName;

  @JsonPropertyDescription("The service's REST API stage, for API Gateway metrics.")
  public String apiStage;

  @JsonPropertyDescription("AWS names of the service's alarms by logical name, for cloudWatchAlarms.serviceAlarms checks.")
  public Map<String, String> serviceAlarms;
}
