package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A DynamoDB key attribute: its name and scalar type. */
public class KeyAttribute {

  @Required
  @Pattern("^[a-zA-Z0-9_.-]{1,255}$")
  @JsonPropertyDescription("Attribute name.")
  public String name;

  @Required
  @JsonPropertyDescription("Attribute type: S (string), N (number) or B (binary).")
  public ScalarType type;

  public KeyAttribute() {}

  public KeyAttribute(String name, ScalarType type) {
    this.name = name;
    this.type = type;
  }

  /** DynamoDB scalar attribute types usable in keys. */
  public enum ScalarType {
    S,
    N,
    B
  }
}
