package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** A key of a Secret in the resource's namespace. */
public class SecretKeyRef {

  public SecretKeyRef() {}

  public SecretKeyRef(String name, String key) {
    this.name = name;
    this.key = key;
  }

  @Required
  @Size(max = 253)
  @JsonPropertyDescription("Secret name.")
  public String name;

  @Required
  @Size(max = 253)
  @JsonPropertyDescription("Key in the Secret's data.")
  public String key;

  /** The key's decoded value in {@code secret} (data, or stringData not yet converted), empty when missing or blank. */
  public Optional<String> valueIn(Secret secret) {
    String value = null;
    if (secret != null && secret.getData() != null && secret.getData().get(key) != null) {
      value = new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    } else if (secret != null && secret.getStringData() != null) {
      value = secret.getStringData().get(key);
    }
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }
}
