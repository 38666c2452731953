package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A key of a Secret in the resource's namespace. */
public class SecretKeyRef {
  @Required
  @Size(max = 253)
  @JsonPropertyDescription("Secret name.")
  public String name;

  @Required
  @Size(max = 253)
  @JsonPropertyDescription("Key in the Secret's data.")
  public String key;
}
