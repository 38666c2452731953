package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class CanaryPolicyStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  public Long observedGeneration;

  @JsonPropertyDescription("Valid: whether releases can use this policy, with the reason when not; Stalled (kstatus), with the same reason, only while it is invalid.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The steps the policy expands to (presets included), e.g. 10%/30m -> 100%.")
  public String summary;
}
