package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.Delta;
import dev.slipway.aws.Delta.Difference;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.ResourceLoop.Planned;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.kinds.DesiredTable.Index;
import dev.slipway.aws.kinds.DesiredTable.Key;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.waiters.Waiter;
import software.amazon.awssdk.core.waiters.WaiterAcceptor;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsUnavailableException;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.Tag;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/**
 * DynamoDB tables: keys, billing and capacities, global secondary indexes, stream, TTL,
 * point-in-time recovery and tags. Keys are immutable; everything else is changed in place, one
 * step at a time in the order DynamoDB accepts, waiting for the table to settle in between.
 */
public final class DynamoDbTableKind implements AwsResourceKind<DesiredTable, DynamoDbTableKind.ObservedTable> {

  public static final String KIND = "DynamoDBTable";

  private static final String INDEXES = "globalSecondaryIndexes";
  private static final Duration POLL = Duration.ofSeconds(2);
  // Long enough for a table, a stream switch or a small index to settle; short enough that a
  // reconcile worker is not held while a big index backfills for minutes: that case ends in a
  // retryable error and the next reconcile carries on where this one stopped.
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);
  private static final WaiterOverrideConfiguration WAIT =
      WaiterOverrideConfiguration.builder()
          .waitTimeout(SETTLE_TIMEOUT)
          .maxAttempts((int) (SETTLE_TIMEOUT.toSeconds() / POLL.toSeconds()) + 1)
          .backoffStrategyV2(BackoffStrategy.fixedDelay(POLL))
          .build();

  /** The table as AWS shows it, with the settings DescribeTable does not carry. */
  public record ObservedTable(TableDescription table, String ttlAttribute, boolean pointInTimeRecovery, Map<String, String> tags) {

    public BillingMode billingMode() {
      // AWS omits the summary for a table that has always been PROVISIONED.
      var summary = table.billingModeSummary();
      return summary == null || summary.billingMode() == null ? BillingMode.PROVISIONED : summary.billingMode();
    }

    public StreamViewType streamView() {
      var s = table.streamSpecification();
      return s != null && Boolean.TRUE.equals(s.streamEnabled()) ? s.streamViewType() : null;
    }

    Key key(List<KeySchemaElement> schema, KeyType type) {
      return schema.stream()
          .filter(k -> k.keyType() == type)
          .findFirst()
          .map(k -> new Key(k.attributeName(), attributeType(k.attributeName())))
          .orElse(null);
    }

    private ScalarAttributeType attributeType(String attribute) {
      return table.attributeDefinitions().stream()
          .filter(a -> a.attributeName().equals(attribute))
          .findFirst()
          .map(AttributeDefinition::attributeType)
          .orElse(null);
    }

    /** Indexes in the desired vocabulary; capacities only count when the table is PROVISIONED. */
    Map<String, Index> indexes() {
      boolean provisioned = billingMode() == BillingMode.PROVISIONED;
      Map<String, Index> byName = new LinkedHashMap<>();
      for (GlobalSecondaryIndexDescription i : table.globalSecondaryIndexes()) {
        var t = i.provisionedThroughput();
        byName.put(
            i.indexName(),
            new Index(
                i.indexName(),
                key(i.keySchema(), KeyType.HASH),
                key(i.keySchema(), KeyType.RANGE),
                i.projection().projectionType(),
                i.projection().nonKeyAttributes().stream().sorted().toList(),
                provisioned && t != null ? t.readCapacityUnits() : null,
                provisioned && t != null ? t.writeCapacityUnits() : null));
      }
      return byName;
    }
  }

  @Override
  public String kind() {
    return KIND;
  }

  /** One planned table per {@code spec.tables} entry, logical name = table name. */
  public List<Planned<?, ?>> plan(StackContext ctx) {
    return ctx.spec().tables.stream().<Planned<?, ?>>map(t -> new Planned<>(this, t.name, DesiredTable.of(ctx, t))).toList();
  }

  @Override
  public Optional<ObservedTable> read(StackContext ctx, DesiredTable desired) {
    DynamoDbClient db = ctx.aws().dynamo();
    String name = desired.physicalName();
    TableDescription table;
    try {
      table = db.describeTable(r -> r.tableName(name)).table();
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    }
    if (table.tableStatus() == TableStatus.DELETING) {
      throw SlipwayException.retryable("TableDeleting", "table " + name + " is being deleted; it is created again once it is gone");
    }
    TimeToLiveDescription ttl = db.describeTimeToLive(r -> r.tableName(name)).timeToLiveDescription();
    boolean ttlOn = ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLED || ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLING;
    var pitr = db.describeContinuousBackups(r -> r.tableName(name)).continuousBackupsDescription().pointInTimeRecoveryDescription();
    boolean pitrOn = pitr != null && pitr.pointInTimeRecoveryStatus() == PointInTimeRecoveryStatus.ENABLED;
    return Optional.of(new ObservedTable(table, ttlOn ? ttl.attributeName() : null, pitrOn, tags(db, table.tableArn())));
  }

  @Override
  public ObservedTable create(StackContext ctx, DesiredTable d) {
    DynamoDbClient db = ctx.aws().dynamo();
    db.createTable(
        b -> {
          b.tableName(d.physicalName())
              .attributeDefinitions(attributeDefinitions(d.partitionKey(), d.sortKey(), d.indexes()))
              .keySchema(keySchema(d.partitionKey(), d.sortKey()))
              .billingMode(d.billingMode())
              .tags(d.tags().entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList());
          if (d.provisioned()) {
            b.provisionedThroughput(throughput(d.readCapacity(), d.writeCapacity()));
          }
          if (!d.indexes().isEmpty()) {
            b.globalSecondaryIndexes(d.indexes().stream().map(DynamoDbTableKind::index).toList());
          }
          if (d.streamView() != null) {
            b.streamSpecification(s -> s.streamEnabled(true).streamViewType(d.streamView()));
          }
        });
    // TTL and point-in-time recovery can only be set once the table is ACTIVE.
    try (DynamoDbWaiter waiter = DynamoDbWaiter.builder().client(db).overrideConfiguration(WAIT).build()) {
      waiter.waitUntilTableExists(r -> r.tableName(d.physicalName()));
    } catch (SdkClientException e) {
      throw stillChanging("TableCreating", d.physicalName());
    }
    ObservedTable created = observe(ctx, d);
    Delta rest = compare(ctx, d, created);
    return rest.isEmpty() ? created : update(ctx, d, created, rest);
  }

  @Override
  public Delta compare(StackContext ctx, DesiredTable d, ObservedTable o) {
    TableDescription t = o.table();
    Delta.Builder b =
        Delta.builder()
            .compare("partitionKey", d.partitionKey(), o.key(t.keySchema(), KeyType.HASH))
            .compare("sortKey", d.sortKey(), o.key(t.keySchema(), KeyType.RANGE))
            .compare("billingMode", d.billingMode(), o.billingMode());
    if (d.provisioned()) {
      // On-demand tables report 0/0; capacities only mean something when PROVISIONED is wanted.
      b.compare("readCapacity", d.readCapacity(), t.provisionedThroughput().readCapacityUnits())
          .compare("writeCapacity", d.writeCapacity(), t.provisionedThroughput().writeCapacityUnits());
    }
    b.compare("streamView", d.streamView(), o.streamView())
        .compare("ttlAttribute", d.ttlAttribute(), o.ttlAttribute())
        .compare("pointInTimeRecovery", d.pointInTimeRecovery(), o.pointInTimeRecovery());
    Map<String, Index> wanted = byName(d.indexes());
    Map<String, Index> present = o.indexes();
    TreeSet<String> names = new TreeSet<>(wanted.keySet());
    names.addAll(present.keySet());
    names.forEach(n -> b.compare(INDEXES + "." + n, wanted.get(n), present.get(n)));
    return b.compare("tags", d.tags(), o.tags()).build();
  }

  @Override
  public ObservedTable update(StackContext ctx, DesiredTable d, ObservedTable o, Delta delta) {
    rejectImmutableChanges(d, o, delta);
    DynamoDbClient db = ctx.aws().dynamo();
    String name = d.physicalName();
    if (!settled(o.table())) {
      throw SlipwayException.retryable("TableBusy", "table " + name + " is " + o.table().tableStatus() + " or has an index in progress; changes wait until it settles");
    }
    List<Difference> indexChanges = delta.differences().stream().filter(x -> x.path().startsWith(INDEXES + ".")).toList();

    // Deletes before a switch to PROVISIONED, which must name the capacity of every remaining index.
    for (Difference x : indexChanges) {
      if (x.desired() == null) {
        String index = ((Index) x.observed()).name();
        db.updateTable(r -> r.tableName(name).globalSecondaryIndexUpdates(u -> u.delete(del -> del.indexName(index))));
        awaitSettled(db, name, "IndexDeleting");
      }
    }

    List<GlobalSecondaryIndexUpdate> capacityUpdates =
        d.provisioned()
            ? indexChanges.stream()
                .filter(x -> x.desired() != null && x.observed() != null)
                .map(x -> (Index) x.desired())
                .map(i -> GlobalSecondaryIndexUpdate.builder().update(u -> u.indexName(i.name()).provisionedThroughput(throughput(i.readCapacity(), i.writeCapacity()))).build())
                .toList()
            : List.of();
    boolean tableThroughput = delta.differsAt("billingMode") || delta.differsAt("readCapacity") || delta.differsAt("writeCapacity");
    if (tableThroughput || !capacityUpdates.isEmpty()) {
      UpdateTableRequest.Builder r = UpdateTableRequest.builder().tableName(name);
      if (delta.differsAt("billingMode")) {
        r.billingMode(d.billingMode());
      }
      // DynamoDB rejects an update that repeats the current throughput, so send only what changes.
      if (d.provisioned() && tableThroughput) {
        r.provisionedThroughput(throughput(d.readCapacity(), d.writeCapacity()));
      }
      if (!capacityUpdates.isEmpty()) {
        r.globalSecondaryIndexUpdates(capacityUpdates);
      }
      db.updateTable(r.build());
      awaitSettled(db, name, "TableUpdating");
    }

    if (delta.differsAt("streamView")) {
      // The view type of an enabled stream cannot change: switch the stream off, then on again.
      if (o.streamView() != null) {
        db.updateTable(r -> r.tableName(name).streamSpecification(s -> s.streamEnabled(false)));
        awaitSettled(db, name, "TableUpdating");
      }
      if (d.streamView() != null) {
        db.updateTable(r -> r.tableName(name).streamSpecification(s -> s.streamEnabled(true).streamViewType(d.streamView())));
        awaitSettled(db, name, "TableUpdating");
      }
    }

    // DynamoDB creates one index per UpdateTable and only on a settled table. The request names
    // the key attributes of the table and of every index it will have (a subset works on AWS,
    // but moto replaces the table's definitions with whatever the request carries).
    Map<String, Index> live = new LinkedHashMap<>(o.indexes());
    live.keySet().retainAll(byName(d.indexes()).keySet());
    for (Difference x : indexChanges) {
      if (x.observed() == null) {
        Index i = (Index) x.desired();
        live.put(i.name(), i);
        List<AttributeDefinition> definitions = attributeDefinitions(d.partitionKey(), d.sortKey(), List.copyOf(live.values()));
        GlobalSecondaryIndex g = index(i);
        db.updateTable(
            r -> r.tableName(name)
                .attributeDefinitions(definitions)
                .globalSecondaryIndexUpdates(u -> u.create(c -> c.indexName(g.indexName())
                    .keySchema(g.keySchema())
                    .projection(g.projection())
                    .provisionedThroughput(g.provisionedThroughput()))));
        awaitSettled(db, name, "IndexCreating");
      }
    }

    if (delta.differsAt("ttlAttribute")) {
      // The TTL attribute of an enabled TTL cannot change either: off, then on.
      if (o.ttlAttribute() != null) {
        db.updateTimeToLive(r -> r.tableName(name).timeToLiveSpecification(s -> s.enabled(false).attributeName(o.ttlAttribute())));
      }
      if (d.ttlAttribute() != null) {
        db.updateTimeToLive(r -> r.tableName(name).timeToLiveSpecification(s -> s.enabled(true).attributeName(d.ttlAttribute())));
      }
    }

    if (delta.differsAt("pointInTimeRecovery")) {
      try {
        db.updateContinuousBackups(r -> r.tableName(name).pointInTimeRecoverySpecification(s -> s.pointInTimeRecoveryEnabled(d.pointInTimeRecovery())));
      } catch (ContinuousBackupsUnavailableException e) {
        // AWS enables backups on a new table in the background for a while; ask again later.
        throw SlipwayException.retryable("BackupsUnavailable", "table " + name + ": continuous backups are not available yet");
      }
    }

    if (delta.differsAt("tags")) {
      String arn = o.table().tableArn();
      List<String> stale = o.tags().keySet().stream().filter(k -> !d.tags().containsKey(k)).sorted().toList();
      if (!stale.isEmpty()) {
        db.untagResource(r -> r.resourceArn(arn).tagKeys(stale));
      }
      List<Tag> changed =
          d.tags().entrySet().stream()
              .filter(e -> !e.getValue().equals(o.tags().get(e.getKey())))
              .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
              .toList();
      if (!changed.isEmpty()) {
        db.tagResource(r -> r.resourceArn(arn).tags(changed));
      }
    }
    return observe(ctx, d);
  }

  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    try {
      ctx.aws().dynamo().deleteTable(r -> r.tableName(resource.physicalName));
    } catch (ResourceNotFoundException alreadyGone) {
      // deleted is what we want
    }
  }

  @Override
  public Map<String, String> tags(ObservedTable o) {
    return o.tags() == null ? Map.of() : o.tags();
  }

  @Override
  public ManagedResource describe(StackContext ctx, DesiredTable d, ObservedTable o) {
    ctx.publish(Outputs.tableArn(d.name()), o.table().tableArn());
    // AWS keeps showing the last stream's ARN after the stream is switched off.
    if (o.streamView() != null) {
      ctx.publish(Outputs.tableStreamArn(d.name()), o.table().latestStreamArn());
    }
    return new ManagedResource(KIND, d.name(), d.physicalName(), o.table().tableArn(), ManagedResource.State.Ready, null);
  }

  /** Key changes cannot be made in place; say so before changing anything else. */
  private static void rejectImmutableChanges(DesiredTable d, ObservedTable o, Delta delta) {
    if (delta.differsAt("partitionKey") || delta.differsAt("sortKey")) {
      TableDescription t = o.table();
      throw SlipwayException.terminal(
          "ImmutableField",
          "table " + d.name() + ": the key schema cannot change (AWS has "
              + keys(o.key(t.keySchema(), KeyType.HASH), o.key(t.keySchema(), KeyType.RANGE)) + ", the spec wants "
              + keys(d.partitionKey(), d.sortKey()) + "); declare a new table under another name and migrate the data");
    }
    for (Difference x : delta.differences()) {
      if (x.path().startsWith(INDEXES + ".") && x.desired() instanceof Index want && x.observed() instanceof Index have && !want.sameShape(have)) {
        throw SlipwayException.terminal(
            "ImmutableField",
            "table " + d.name() + ", index " + want.name() + ": keys and projection cannot change in place (AWS has " + have
                + ", the spec wants " + want + "); give the index a new name to replace it");
      }
    }
  }

  private static String keys(Key partition, Key sort) {
    return sort == null ? partition.toString() : partition + "/" + sort;
  }

  private ObservedTable observe(StackContext ctx, DesiredTable d) {
    return read(ctx, d).orElseThrow(() -> SlipwayException.retryable("TableVanished", "table " + d.physicalName() + " disappeared while it was being changed"));
  }

  private static boolean settled(TableDescription t) {
    return t.tableStatus() == TableStatus.ACTIVE && t.globalSecondaryIndexes().stream().allMatch(i -> i.indexStatus() == IndexStatus.ACTIVE);
  }

  /** Waits, bounded, until the table and all its indexes are ACTIVE. */
  private static void awaitSettled(DynamoDbClient db, String table, String reasonIfSlow) {
    Waiter<DescribeTableResponse> waiter =
        Waiter.builder(DescribeTableResponse.class)
            .addAcceptor(WaiterAcceptor.successOnResponseAcceptor(r -> settled(r.table())))
            .addAcceptor(WaiterAcceptor.retryOnResponseAcceptor(r -> true))
            .overrideConfiguration(WAIT)
            .build();
    try {
      waiter.run(() -> db.describeTable(r -> r.tableName(table)));
    } catch (SdkClientException e) {
      throw stillChanging(reasonIfSlow, table);
    }
  }

  private static SlipwayException stillChanging(String reason, String table) {
    return SlipwayException.retryable(reason, "table " + table + " is still changing after " + SETTLE_TIMEOUT.toSeconds() + "s; the next reconcile carries on");
  }

  private static Map<String, String> tags(DynamoDbClient db, String arn) {
    Map<String, String> tags = new HashMap<>();
    String next = null;
    do {
      String token = next;
      var page = db.listTagsOfResource(r -> r.resourceArn(arn).nextToken(token));
      // aws: tags belong to AWS; nobody may change them.
      page.tags().stream().filter(t -> !t.key().startsWith("aws:")).forEach(t -> tags.put(t.key(), t.value()));
      next = page.nextToken();
    } while (next != null);
    return tags;
  }

  private static Map<String, Index> byName(List<Index> indexes) {
    Map<String, Index> m = new LinkedHashMap<>();
    indexes.forEach(i -> m.put(i.name(), i));
    return m;
  }

  /** One definition per key attribute of the table and its indexes, each exactly once, as DynamoDB wants. */
  private static List<AttributeDefinition> attributeDefinitions(Key partition, Key sort, List<Index> indexes) {
    Map<String, Key> byName = new LinkedHashMap<>();
    Stream.concat(Stream.of(partition, sort), indexes.stream().flatMap(i -> Stream.of(i.partitionKey(), i.sortKey())))
        .filter(java.util.Objects::nonNull).forEach(k -> {
      Key seen = byName.putIfAbsent(k.name(), k);
      if (seen != null && seen.type() != k.type()) {
        throw SlipwayException.terminal("InvalidSpec", "attribute " + k.name() + " is used as a key with types " + seen.type() + " and " + k.type());
      }
    });
    return byName.values().stream().map(k -> AttributeDefinition.builder().attributeName(k.name()).attributeType(k.type()).build()).toList();
  }

  private static List<KeySchemaElement> keySchema(Key partition, Key sort) {
    List<KeySchemaElement> schema = new ArrayList<>();
    schema.add(KeySchemaElement.builder().attributeName(partition.name()).keyType(KeyType.HASH).build());
    if (sort != null) {
      schema.add(KeySchemaElement.builder().attributeName(sort.name()).keyType(KeyType.RANGE).build());
    }
    return schema;
  }

  private static GlobalSecondaryIndex index(Index i) {
    return GlobalSecondaryIndex.builder()
        .indexName(i.name())
        .keySchema(keySchema(i.partitionKey(), i.sortKey()))
        .projection(p -> p.projectionType(i.projection()).nonKeyAttributes(i.nonKeyAttributes().isEmpty() ? null : i.nonKeyAttributes()))
        .provisionedThroughput(i.readCapacity() == null ? null : throughput(i.readCapacity(), i.writeCapacity()))
        .build();
  }

  private static ProvisionedThroughput throughput(Long read, Long write) {
    return ProvisionedThroughput.builder().readCapacityUnits(read).writeCapacityUnits(write).build();
  }
}
