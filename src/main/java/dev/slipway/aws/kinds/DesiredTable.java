package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.GlobalSecondaryIndexSpec;
import dev.slipway.api.v1alpha1.KeyAttribute;
import dev.slipway.api.v1alpha1.TableSpec;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.StackContext;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * A DynamoDB table as the spec wants it, in the SDK's own vocabulary so that it compares directly
 * with what DescribeTable returns. Absent optional features are {@code null} (no sort key, no stream,
 * TTL off); capacities are {@code null} unless billing is PROVISIONED.
 */
public record DesiredTable(
    String name,
    String physicalName,
    Key partitionKey,
    Key sortKey,
    BillingMode billingMode,
    Long readCapacity,
    Long writeCapacity,
    StreamViewType streamView,
    String ttlAttribute,
    boolean pointInTimeRecovery,
    List<Index> indexes,
    Map<String, String> tags)
    implements DesiredResource {

  /** A key attribute: name and scalar type. */
  public record Key(String name, ScalarAttributeType type) {
    static Key of(KeyAttribute a) {
      return a == null ? null : new Key(a.name, ScalarAttributeType.fromValue(a.type.name()));
    }

    @Override
    public String toString() {
      return name + "(" + type + ")";
    }
  }

  /**
   * A global secondary index. Keys and projection are fixed once the index exists; only the
   * capacities can change in place.
   */
  public record Index(
      String name, Key partitionKey, Key sortKey, ProjectionType projection, List<String> nonKeyAttributes, Long readCapacity, Long writeCapacity) {

    /** Whether the two differ only in what DynamoDB can change in place (capacities). */
    public boolean sameShape(Index other) {
      return name.equals(other.name)
          && partitionKey.equals(other.partitionKey)
          && java.util.Objects.equals(sortKey, other.sortKey)
          && projection == other.projection
          && nonKeyAttributes.equals(other.nonKeyAttributes);
    }

    @Override
    public String toString() {
      String keys = sortKey == null ? partitionKey.toString() : partitionKey + "/" + sortKey;
      String capacity = readCapacity == null ? "" : " " + readCapacity + "r/" + writeCapacity + "w";
      return keys + " " + projection + (nonKeyAttributes.isEmpty() ? "" : nonKeyAttributes) + capacity;
    }
  }

  public static DesiredTable of(StackContext ctx, TableSpec spec) {
    boolean provisioned = spec.billingMode == TableSpec.BillingMode.PROVISIONED;
    List<Index> indexes =
        spec.globalSecondaryIndexes.stream().map(i -> index(i, provisioned, spec)).toList();
    return new DesiredTable(
        spec.name,
        ctx.physicalName(spec.name),
        Key.of(spec.partitionKey),
        Key.of(spec.sortKey),
        BillingMode.fromValue(spec.billingMode.name()),
        provisioned ? spec.readCapacity : null,
        provisioned ? spec.writeCapacity : null,
        spec.streamView == null ? null : StreamViewType.fromValue(spec.streamView.name()),
        spec.ttlAttribute,
        Boolean.TRUE.equals(spec.pointInTimeRecovery),
        indexes,
        ctx.tags());
  }

  private static Index index(GlobalSecondaryIndexSpec i, boolean provisioned, TableSpec table) {
    return new Index(
        i.name,
        Key.of(i.partitionKey),
        Key.of(i.sortKey),
        ProjectionType.fromValue(i.projection.name()),
        i.nonKeyAttributes == null ? List.of() : i.nonKeyAttributes.stream().sorted().toList(),
        provisioned ? (i.readCapacity != null ? i.readCapacity : table.readCapacity) : null,
        provisioned ? (i.writeCapacity != null ? i.writeCapacity : table.writeCapacity) : null);
  }

  public boolean provisioned() {
    return billingMode == BillingMode.PROVISIONED;
  }
}
