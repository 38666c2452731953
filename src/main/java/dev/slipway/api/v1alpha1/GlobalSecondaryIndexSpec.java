package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "(has(self.projection) && self.projection == 'INCLUDE') || !has(self.nonKeyAttributes) || size(self.nonKeyAttributes) == 0",
    message = "nonKeyAttributes apply only to INCLUDE projection",
    reason = "FieldValueForbidden")
public class GlobalSecondaryIndexSpec {

  @Required
  @Size(max = 255)
  @Pattern("^[a-zA-Z0-9_.-]{3,255}$")
  @JsonPropertyDescription("Index name.")
  public String name;

  @Required
  @JsonPropertyDescription("Partition key of the index.")
  public KeyAttribute partitionKey;

  @JsonPropertyDescription("Sort key of the index.")
  public KeyAttribute sortKey;

  @JsonPropertyDescription("Attributes copied into the index: ALL (the default), KEYS_ONLY or INCLUDE (then nonKeyAttributes).")
  public Projection projection = Projection.ALL;

  @Size(max = 20)
  @JsonPropertyDescription("Attributes projected besides the keys, for INCLUDE projection.")
  public List<String> nonKeyAttributes = new ArrayList<>();

  @Min(1)
  @JsonPropertyDescription("Read capacity of the index when the table's billing is PROVISIONED; defaults to the table's.")
  public Long readCapacity;

  @Min(1)
  @JsonPropertyDescription("Write capacity of the index when the table's billing is PROVISIONED; defaults to the table's.")
  public Long writeCapacity;

  public enum Projection {
    ALL,
    KEYS_ONLY,
    INCLUDE
  }
}
