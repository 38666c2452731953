package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.FunctionSpec.TableAccess.Access;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.api.v1alpha1.TableSpec;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.Delta;
import dev.slipway.aws.Delta.Difference;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.NotReady;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.Planned;
import dev.slipway.aws.PolicyStatement;
import dev.slipway.aws.Published;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import dev.slipway.aws.TaggedResources;
import dev.slipway.aws.kinds.DesiredTable.Index;
import dev.slipway.aws.kinds.DesiredTable.Key;
import dev.slipway.status.Reasons;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsUnavailableException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.Tag;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;

/**
 * DynamoDB tables: keys, billing and capacities, global secondary indexes, stream, TTL,
 * point-in-time recovery and tags. Keys are immutable; everything else is changed in place, one
 * step at a time in the order DynamoDB accepts; between steps the table is NotReady until it settles.
 */
public final class DynamoDbTableKind implements AwsResourceKind<DesiredTable, DynamoDbTableKind.ObservedTable> {

  public static final String KIND = "DynamoDBTable";

  private static final String INDEXES = "globalSecondaryIndexes";
  /** How soon to look again at a table that is still changing. */
  private static final Duration POLL = Duration.ofSeconds(5);
  /** The Resource Groups Tagging API's type of a table. */
  private static final String TAGGING_TYPE = "dynamodb:table";
  private static final KindInfo INFO = KindInfo.named(KIND, Set.of());

  static final List<String> READ_ONLY =
      List.of("dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan");
  static final List<String> READ_WRITE =
      Stream.concat(READ_ONLY.stream(), Stream.of("dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"))
          .sorted()
          .toList();
  // ListStreams is left out on purpose: it cannot be scoped to a table (it needs Resource "*"), and
  // a consumer gets the stream ARN from the service's outputs.
  static final List<String> STREAM_READ = List.of("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator");

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
  public KindInfo info() {
    return INFO;
  }

  /** One planned table per {@code spec.tables} entry, logical name = table name; tables depend on nothing. */
  @Override
  public List<Planned<DesiredTable, ObservedTable>> plan(StackContext ctx) {
    return ctx.spec().tables.stream().map(t -> new Planned<>(this, t.name, ctx.physicalName(t.name), List.<String>of(), c -> DesiredTable.of(c, t))).toList();
  }

  @Override
  public Optional<ObservedTable> read(StackContext ctx, DesiredTable desired) {
    DynamoDbClient db = ctx.aws().dynamo();
    String name = desired.physicalName();
    TableDescription table = db.describeTable(r -> r.tableName(name)).table();
    if (table.tableStatus() == TableStatus.DELETING) {
      throw NotReady.awaiting("table " + name + " is being deleted; it is created again once it is gone", POLL);
    }
    // TTL and backups the spec leaves off are taken to be off by a resync that trusts defaults.
    String ttl = desired.ttlAttribute() == null && !ctx.checksDefaults() ? null : ttlAttribute(db, name);
    boolean pitrOn = (desired.pointInTimeRecovery() || ctx.checksDefaults()) && pointInTimeRecovery(db, name);
    Map<String, String> tags = TaggedResources.of(ctx, TAGGING_TYPE, table.tableArn(), () -> tags(db, table.tableArn()));
    return Optional.of(new ObservedTable(table, ttl, pitrOn, tags));
  }

  /** The attribute TTL is on for (or being turned on for), null when off. */
  private static String ttlAttribute(DynamoDbClient db, String name) {
    TimeToLiveDescription ttl = db.describeTimeToLive(r -> r.tableName(name)).timeToLiveDescription();
    boolean on = ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLED || ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLING;
    return on ? ttl.attributeName() : null;
  }

  private static boolean pointInTimeRecovery(DynamoDbClient db, String name) {
    var pitr = db.describeContinuousBackups(r -> r.tableName(name)).continuousBackupsDescription().pointInTimeRecoveryDescription();
    return pitr != null && pitr.pointInTimeRecoveryStatus() == PointInTimeRecoveryStatus.ENABLED;
  }

  /**
   * TTL and point-in-time recovery change beside the table, which stays ACTIVE: the result is known
   * without reading. After a settling change (throughput, stream, index) the table is UPDATING,
   * which only a read shows.
   */
  @Override
  public Optional<ObservedTable> afterSteps(StackContext ctx, DesiredTable d, ObservedTable o) {
    if (!settlingChanges(ctx, d, o, differences(d, o)).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ObservedTable(o.table(), d.ttlAttribute(), d.pointInTimeRecovery(), ctx.tags()));
  }

  /** Creates the table with keys, billing, indexes, stream and tags; TTL and backups follow as steps once it is ACTIVE. */
  @Override
  public ObservedTable create(StackContext ctx, DesiredTable d) {
    TableDescription created = ctx.aws().dynamo().createTable(
        b -> {
          b.tableName(d.physicalName())
              .attributeDefinitions(attributeDefinitions(d.partitionKey(), d.sortKey(), d.indexes()))
              .keySchema(keySchema(d.partitionKey(), d.sortKey()))
              .billingMode(d.billingMode())
              .tags(ctx.tags().entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList());
          if (d.provisioned()) {
            b.provisionedThroughput(throughput(d.readCapacity(), d.writeCapacity()));
          }
          if (!d.indexes().isEmpty()) {
            b.globalSecondaryIndexes(d.indexes().stream().map(DynamoDbTableKind::index).toList());
          }
          if (d.streamView() != null) {
            b.streamSpecification(s -> s.streamEnabled(true).streamViewType(d.streamView()));
          }
        }).tableDescription();
    return new ObservedTable(created, null, false, ctx.tags());
  }

  /** A table changes only when it and all its indexes are ACTIVE; until then it is awaited, not waited for. */
  @Override
  public Optional<NotReady> readiness(ObservedTable o) {
    TableDescription t = o.table();
    if (t.tableStatus() != TableStatus.ACTIVE) {
      return Optional.of(NotReady.awaiting("table " + t.tableName() + " is " + t.tableStatus(), POLL));
    }
    return t.globalSecondaryIndexes().stream()
        .filter(i -> i.indexStatus() != IndexStatus.ACTIVE)
        .findFirst()
        .map(i -> NotReady.awaiting("table " + t.tableName() + ": index " + i.indexName() + " is " + i.indexStatus(), POLL));
  }

  /**
   * The next changes, in the order DynamoDB accepts them. DynamoDB takes one index or stream change
   * at a time and only on a settled table: the plan holds the first such change only, after which the
   * table is awaited; the next reconcile plans the next change.
   */
  @Override
  public List<Step> compare(StackContext ctx, DesiredTable d, ObservedTable o) {
    Delta delta = differences(d, o);
    rejectImmutableChanges(d, o, delta);
    List<Step> settling = settlingChanges(ctx, d, o, delta);
    if (!settling.isEmpty()) {
      Step next = settling.get(0);
      // The rest (more index or stream changes, TTL, backups) once the table has settled.
      boolean more = settling.size() > 1 || delta.differsAt("ttlAttribute") || delta.differsAt("pointInTimeRecovery");
      return List.of(more ? next.thenAwait("table " + d.physicalName() + " to settle after " + next.path(), POLL) : next);
    }
    return inPlaceChanges(ctx, d, o, delta);
  }

  /** Changes DynamoDB makes one at a time on a settled table, in the order it accepts them. */
  private static List<Step> settlingChanges(StackContext ctx, DesiredTable d, ObservedTable o, Delta delta) {
    List<Step> steps = new ArrayList<>();
    DynamoDbClient db = ctx.aws().dynamo();
    String name = d.physicalName();
    List<Difference> indexChanges = delta.differences().stream().filter(x -> x.path().startsWith(INDEXES + ".")).toList();

    // Deletes before a switch to PROVISIONED, which must name the capacity of every remaining index.
    for (Difference x : indexChanges) {
      if (x.desired() == null) {
        String index = ((Index) x.observed()).name();
        steps.add(new Step(x.path(), null, x.observed(),
            () -> db.updateTable(r -> r.tableName(name).globalSecondaryIndexUpdates(u -> u.delete(del -> del.indexName(index))))));
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
    List<String> throughputPaths = Stream.of("billingMode", "readCapacity", "writeCapacity").filter(delta::differsAt).toList();
    if (!throughputPaths.isEmpty() || !capacityUpdates.isEmpty()) {
      UpdateTableRequest.Builder r = UpdateTableRequest.builder().tableName(name);
      if (delta.differsAt("billingMode")) {
        r.billingMode(d.billingMode());
      }
      // DynamoDB rejects an update that repeats the current throughput, so send only what changes.
      if (d.provisioned() && !throughputPaths.isEmpty()) {
        r.provisionedThroughput(throughput(d.readCapacity(), d.writeCapacity()));
      }
      if (!capacityUpdates.isEmpty()) {
        r.globalSecondaryIndexUpdates(capacityUpdates);
      }
      UpdateTableRequest request = r.build();
      steps.add(new Step("throughput", d.billingMode() + capacity(d.readCapacity(), d.writeCapacity()),
          o.billingMode() + capacity(o.table().provisionedThroughput().readCapacityUnits(), o.table().provisionedThroughput().writeCapacityUnits()),
          () -> db.updateTable(request)));
    }

    if (delta.differsAt("streamView")) {
      // The view type of an enabled stream cannot change: switch the stream off, then on again.
      if (o.streamView() != null) {
        steps.add(new Step("streamView", null, o.streamView(),
            () -> db.updateTable(r -> r.tableName(name).streamSpecification(s -> s.streamEnabled(false)))));
      }
      if (d.streamView() != null) {
        steps.add(new Step("streamView", d.streamView(), null,
            () -> db.updateTable(r -> r.tableName(name).streamSpecification(s -> s.streamEnabled(true).streamViewType(d.streamView())))));
      }
    }

    // The request names the key attributes of the table and of every index it will have (a subset
    // works on AWS, but moto replaces the table's definitions with whatever the request carries).
    for (Difference x : indexChanges) {
      if (x.observed() == null) {
        Index i = (Index) x.desired();
        Map<String, Index> live = new LinkedHashMap<>(o.indexes());
        live.keySet().retainAll(byName(d.indexes()).keySet());
        live.put(i.name(), i);
        List<AttributeDefinition> definitions = attributeDefinitions(d.partitionKey(), d.sortKey(), List.copyOf(live.values()));
        GlobalSecondaryIndex g = index(i);
        steps.add(new Step(x.path(), i, null, () -> db.updateTable(
            r -> r.tableName(name)
                .attributeDefinitions(definitions)
                .globalSecondaryIndexUpdates(u -> u.create(c -> c.indexName(g.indexName())
                    .keySchema(g.keySchema())
                    .projection(g.projection())
                    .provisionedThroughput(g.provisionedThroughput()))))));
      }
    }
    return steps;
  }

  /** Changes DynamoDB makes beside others: TTL and point-in-time recovery. */
  private static List<Step> inPlaceChanges(StackContext ctx, DesiredTable d, ObservedTable o, Delta delta) {
    DynamoDbClient db = ctx.aws().dynamo();
    String name = d.physicalName();
    List<Step> steps = new ArrayList<>();
    if (delta.differsAt("ttlAttribute")) {
      // The TTL attribute of an enabled TTL cannot change either: off, then on.
      steps.add(new Step("ttlAttribute", d.ttlAttribute(), o.ttlAttribute(), () -> {
        if (o.ttlAttribute() != null) {
          db.updateTimeToLive(r -> r.tableName(name).timeToLiveSpecification(s -> s.enabled(false).attributeName(o.ttlAttribute())));
        }
        if (d.ttlAttribute() != null) {
          db.updateTimeToLive(r -> r.tableName(name).timeToLiveSpecification(s -> s.enabled(true).attributeName(d.ttlAttribute())));
        }
      }));
    }
    if (delta.differsAt("pointInTimeRecovery")) {
      steps.add(new Step("pointInTimeRecovery", d.pointInTimeRecovery(), o.pointInTimeRecovery(), () -> {
        try {
          db.updateContinuousBackups(r -> r.tableName(name).pointInTimeRecoverySpecification(s -> s.pointInTimeRecoveryEnabled(d.pointInTimeRecovery())));
        } catch (ContinuousBackupsUnavailableException e) {
          // AWS enables backups on a new table in the background for a while.
          throw NotReady.awaiting("table " + name + ": continuous backups are not available yet", POLL);
        }
      }));
    }
    return steps;
  }

  private static String capacity(Long read, Long write) {
    return read == null || read == 0 ? "" : " " + read + "r/" + write + "w";
  }

  /** Every field where the table differs from the spec, tags aside (the runtime keeps those). */
  private static Delta differences(DesiredTable d, ObservedTable o) {
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
    return b.build();
  }

  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    DynamoDbClient db = ctx.aws().dynamo();
    return Optional.of(tags(db, db.describeTable(r -> r.tableName(resource.physicalName)).table().tableArn()));
  }

  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    ctx.aws().dynamo().deleteTable(r -> r.tableName(resource.physicalName));
  }

  @Override
  public Map<String, String> tags(ObservedTable o) {
    return o.tags();
  }

  @Override
  public void retag(StackContext ctx, ObservedTable o, Map<String, String> set, Collection<String> remove) {
    DynamoDbClient db = ctx.aws().dynamo();
    String arn = o.table().tableArn();
    if (!remove.isEmpty()) {
      db.untagResource(r -> r.resourceArn(arn).tagKeys(remove));
    }
    if (!set.isEmpty()) {
      db.tagResource(r -> r.resourceArn(arn).tags(set.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()));
    }
  }

  @Override
  public Published publish(StackContext ctx, DesiredTable d, ObservedTable o) {
    Published.Builder p = Published.of(o.table().tableArn()).output(Outputs.tableArn(d.name()), o.table().tableArn());
    // AWS keeps showing the last stream's ARN after the stream is switched off.
    if (o.streamView() != null) {
      p.output(Outputs.tableStreamArn(d.name()), o.table().latestStreamArn());
    }
    return p.build();
  }

  @Override
  public List<String> validate(ServerlessServiceSpec spec) {
    List<String> problems = new ArrayList<>();
    Set<String> tables = new HashSet<>();
    spec.tables.stream().filter(t -> !tables.add(t.name)).forEach(t -> problems.add("table " + t.name + " is declared twice"));
    for (FunctionSpec f : spec.functions) {
      f.tables.stream().filter(a -> !tables.contains(a.name))
          .forEach(a -> problems.add("function " + f.name + " names table " + a.name + ", which spec.tables does not declare"));
    }
    return problems;
  }

  /**
   * Exactly the access level's actions on exactly the tables the function names, their indexes and,
   * for tables with a stream, the stream.
   */
  @Override
  public List<PolicyStatement> grants(StackContext ctx, PolicyStatement.Scope scope, FunctionSpec function) {
    List<String> readOnly = new ArrayList<>();
    List<String> readWrite = new ArrayList<>();
    List<String> streams = new ArrayList<>();
    for (FunctionSpec.TableAccess access : function.tables) {
      TableSpec table = ctx.spec().tables.stream().filter(t -> t.name.equals(access.name)).findFirst()
          .orElseThrow(() -> SlipwayException.terminal(Reasons.INVALID_SPEC, "function " + function.name + " names table " + access.name + ", which spec.tables does not declare"));
      String arn = scope.arn("dynamodb", "table/" + ctx.physicalName(table.name));
      List<String> target = access.access == Access.ReadOnly ? readOnly : readWrite;
      target.add(arn);
      target.add(arn + "/index/*");
      if (table.streamView != null) {
        streams.add(arn + "/stream/*");
      }
    }
    List<PolicyStatement> statements = new ArrayList<>();
    if (!readOnly.isEmpty()) {
      statements.add(new PolicyStatement("DynamoDBReadOnly", READ_ONLY, readOnly));
    }
    if (!readWrite.isEmpty()) {
      statements.add(new PolicyStatement("DynamoDBReadWrite", READ_WRITE, readWrite));
    }
    if (!streams.isEmpty()) {
      statements.add(new PolicyStatement("DynamoDBStreams", STREAM_READ, streams));
    }
    return statements;
  }

  /** Key changes cannot be made in place; say so before changing anything else. */
  private static void rejectImmutableChanges(DesiredTable d, ObservedTable o, Delta delta) {
    if (delta.differsAt("partitionKey") || delta.differsAt("sortKey")) {
      TableDescription t = o.table();
      throw SlipwayException.terminal(
          Reasons.IMMUTABLE_FIELD,
          "table " + d.name() + ": the key schema cannot change (AWS has "
              + keys(o.key(t.keySchema(), KeyType.HASH), o.key(t.keySchema(), KeyType.RANGE)) + ", the spec wants "
              + keys(d.partitionKey(), d.sortKey()) + "); declare a new table under another name and migrate the data");
    }
    for (Difference x : delta.differences()) {
      if (x.path().startsWith(INDEXES + ".") && x.desired() instanceof Index want && x.observed() instanceof Index have && !want.sameShape(have)) {
        throw SlipwayException.terminal(
            Reasons.IMMUTABLE_FIELD,
            "table " + d.name() + ", index " + want.name() + ": keys and projection cannot change in place (AWS has " + have
                + ", the spec wants " + want + "); give the index a new name to replace it");
      }
    }
  }

  private static String keys(Key partition, Key sort) {
    return sort == null ? partition.toString() : partition + "/" + sort;
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
        throw SlipwayException.terminal(Reasons.INVALID_SPEC, "attribute " + k.name() + " is used as a key with types " + seen.type() + " and " + k.type());
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
