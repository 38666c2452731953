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
    value = "!has(self.billingMode) || self.billingMode != 'PROVISIONED' || (has(self.readCapacity) && has(self.writeCapacity))",
    message = "PROVISIONED billing needs readCapacity and writeCapacity",
    reason = "FieldValueRequired")
@ValidationRule(
    value = "(has(self.billingMode) && self.billingMode == 'PROVISIONED') || (!has(self.readCapacity) && !has(self.writeCapacity))",
    message = "readCapacity and writeCapacity apply only to PROVISIONED billing",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "!has(self.globalSecondaryIndexes) || self.globalSecondaryIndexes.all(i, self.globalSecondaryIndexes.exists_one(j, j.name == i.name))",
    message = "index names must be unique within a table",
    reason = "FieldValueInvalid")
public class TableSpec {

  @Required
  @Size(max = 64)
  @Pattern("^[a-zA-Z0-9_.-]{1,64}$")
  @JsonPropertyDescription("Logical table name; the AWS table is <namePrefix>-<name>. Functions refer to it by this name.")
  public String name;

  @Required
  @JsonPropertyDescription("Partition (hash) key. Immutable.")
  public KeyAttribute partitionKey;

  @JsonPropertyDescription("Sort (range) key. Immutable.")
  public KeyAttribute sortKey;

  @JsonPropertyDescription("Billing mode: PAY_PER_REQUEST (on demand, the default) or PROVISIONED (then readCapacity and writeCapacity).")
  public BillingMode billingMode = BillingMode.PAY_PER_REQUEST;

  @Min(1)
  @JsonPropertyDescription("Provisioned read capacity units (PROVISIONED billing only).")
  public Long readCapacity;

  @Min(1)
  @JsonPropertyDescription("Provisioned write capacity units (PROVISIONED billing only).")
  public Long writeCapacity;

  @JsonPropertyDescription("DynamoDB Streams view type; absent means no stream.")
  public StreamView streamView;

  @Pattern("^[a-zA-Z0-9_.-]{1,255}$")
  @JsonPropertyDescription("Attribute holding the expiry epoch seconds; absent means TTL is off.")
  public String ttlAttribute;

  @JsonPropertyDescription("Continuous backups with point-in-time recovery.")
  public Boolean pointInTimeRecovery;

  @Size(max = 20)
  @JsonPropertyDescription("Global secondary indexes. Added and removed one at a time on update, as DynamoDB requires.")
  public List<GlobalSecondaryIndexSpec> globalSecondaryIndexes = new ArrayList<>();

  public enum BillingMode {
    PAY_PER_REQUEST,
    PROVISIONED
  }

  public enum StreamView {
    NEW_IMAGE,
    OLD_IMAGE,
    NEW_AND_OLD_IMAGES,
    KEYS_ONLY
  }
}
