package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.DatabaseSpec;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.Tags;
import dev.slipway.status.Reasons;
import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBSnapshot;

/** The Aurora writer of {@code orders} and the RDS instance {@code willbook}. */
class DbInstanceKindTest extends KindContractTest {

  private RdsClient rds;

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(DatabaseFixture.spec(), new VpcKind(), new SubnetKind(), new SecurityGroupKind(), new DbSubnetGroupKind(),
        new DbClusterKind(DbClusterKindTest.DELETION), new DbInstanceKind(DbClusterKindTest.DELETION));
    rds = RdsResources.rds(harness.raw());
    return harness;
  }

  @Override
  protected void assertDeclaredShape() {
    DBInstance writer = instance("nexus-prod-orders-writer");
    assertThat(writer.dbClusterIdentifier()).isEqualTo("nexus-prod-orders");
    assertThat(writer.dbInstanceClass()).isEqualTo("db.serverless");
    assertThat(writer.engine()).isEqualTo("aurora-postgresql");
    assertThat(writer.publiclyAccessible()).isFalse();

    DBInstance i = instance("nexus-prod-willbook");
    assertThat(i.dbClusterIdentifier()).isNull();
    assertThat(i.engine()).isEqualTo("postgres");
    assertThat(i.engineVersion()).isEqualTo("16.4");
    assertThat(i.dbInstanceClass()).isEqualTo("db.t4g.micro");
    assertThat(i.allocatedStorage()).isEqualTo(20);
    assertThat(i.multiAZ()).isFalse();
    assertThat(i.dbName()).isEqualTo("willbook");
    assertThat(i.masterUsername()).isEqualTo("slipway");
    assertThat(i.storageEncrypted()).isTrue();
    assertThat(i.masterUserSecret().secretArn()).startsWith("arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-");
    assertThat(i.backupRetentionPeriod()).isEqualTo(7);
    assertThat(i.deletionProtection()).as("deletion protection under Retain").isTrue();
    assertThat(i.copyTagsToSnapshot()).isTrue();
    assertThat(i.publiclyAccessible()).isFalse();
    assertThat(i.dbSubnetGroup().dbSubnetGroupName()).isEqualTo("nexus-prod-willbook");
    assertThat(i.vpcSecurityGroups()).extracting(g -> g.vpcSecurityGroupId())
        .containsExactly(stack.context().outputs().get("network.securityGroup.database-willbook.id"));
    assertThat(RdsResources.tags(rds, i.dbInstanceArn())).containsEntry(Tags.SERVICE, "chat.nexus");
    assertThat(stack.context().outputs()).containsEntry("databases.willbook.endpoint", i.endpoint().address())
        .containsEntry("databases.willbook.port", "5432").containsEntry("databases.willbook.secretArn", i.masterUserSecret().secretArn())
        .doesNotContainKey("databases.willbook.readerEndpoint");
  }

  @Override
  protected List<Edit> edits() {
    return List.of(
        new Edit("willbook", List.of("instanceClass"), s -> willbook(s).instance.instanceClass = "db.t4g.small", List.of("ModifyDBInstance"),
            () -> assertThat(instance("nexus-prod-willbook").dbInstanceClass()).isEqualTo("db.t4g.small")),
        new Edit("willbook", List.of("allocatedStorage"), s -> willbook(s).instance.allocatedStorage = 50, List.of("ModifyDBInstance"),
            () -> assertThat(instance("nexus-prod-willbook").allocatedStorage()).isEqualTo(50)),
        new Edit("willbook", List.of("multiAz"), s -> willbook(s).instance.multiAz = true, List.of("ModifyDBInstance"),
            () -> assertThat(instance("nexus-prod-willbook").multiAZ()).isTrue()),
        new Edit("willbook", List.of("engineVersion"), s -> willbook(s).engineVersion = "17.2", List.of("ModifyDBInstance"),
            () -> assertThat(instance("nexus-prod-willbook").engineVersion()).isEqualTo("17.2")),
        new Edit("willbook", List.of("backupRetentionDays"), s -> willbook(s).backupRetentionDays = 30, List.of("ModifyDBInstance"),
            () -> assertThat(instance("nexus-prod-willbook").backupRetentionPeriod()).isEqualTo(30)));
  }

  @Override
  protected List<Drift> drifts() {
    return List.of(
        new Drift("willbook", List.of("backupRetentionDays"),
            () -> rds.modifyDBInstance(r -> r.dbInstanceIdentifier("nexus-prod-willbook").backupRetentionPeriod(1).applyImmediately(true)),
            List.of("ModifyDBInstance"), () -> assertThat(instance("nexus-prod-willbook").backupRetentionPeriod()).isEqualTo(7)),
        new Drift("willbook", List.of("deletionProtection"),
            () -> rds.modifyDBInstance(r -> r.dbInstanceIdentifier("nexus-prod-willbook").deletionProtection(false).applyImmediately(true)),
            List.of("ModifyDBInstance"), () -> assertThat(instance("nexus-prod-willbook").deletionProtection()).isTrue()),
        new Drift("orders", List.of("instanceClass"),
            () -> rds.modifyDBInstance(r -> r.dbInstanceIdentifier("nexus-prod-orders-writer").dbInstanceClass("db.r6g.large").applyImmediately(true)),
            List.of("ModifyDBInstance"), () -> assertThat(instance("nexus-prod-orders-writer").dbInstanceClass()).isEqualTo("db.serverless")));
  }

  @Override
  protected List<Invalid> invalidInputs() {
    return List.of(
        Invalid.atConverge("willbook", s -> willbook(s).engine = DatabaseSpec.Engine.MYSQL, Reasons.IMMUTABLE_FIELD,
            "runs postgres, the spec asks for mysql: an engine cannot change in place"),
        Invalid.atConverge("willbook", s -> willbook(s).engineVersion = "15.8", Reasons.IMMUTABLE_FIELD, "AWS cannot downgrade a database"),
        Invalid.atConverge("willbook", s -> willbook(s).instance.allocatedStorage = 10, Reasons.IMMUTABLE_FIELD, "RDS storage can grow, never shrink"),
        Invalid.atValidation(s -> s.functions.add(user("outside", "orders", false)), "function outside uses databases [orders] but is not in the network"),
        Invalid.atValidation(s -> {
          FunctionSpec f = user("reader", "willbook", true);
          FunctionSpec.EnvironmentSource source = new FunctionSpec.EnvironmentSource();
          source.database = new FunctionSpec.DatabaseOutput();
          source.database.name = "willbook";
          source.database.value = FunctionSpec.DatabaseOutput.Value.readerEndpoint;
          f.environmentFrom.put("DB_READER", source);
          s.functions.add(f);
        }, "database willbook is an RDS instance and has no readerEndpoint"));
  }

  @Override
  @Test
  void contractAResourceTaggedForAnotherServiceIsNotDeletedWhateverStatusSays() throws Exception {
    // RDS deletes no cluster still holding another service's writer: there the cluster is the other service's too.
    ownedByAnotherService(OTHER_SERVICE);
    String cluster = rds.describeDBClusters(r -> r.dbClusterIdentifier("nexus-prod-orders")).dbClusters().get(0).dbClusterArn();
    rds.addTagsToResource(r -> r.resourceName(cluster).tags(t -> t.key(Tags.SERVICE).value(OTHER_SERVICE)));
    List<String> entries = stack.status(kind()).stream().map(r -> r.physicalName).toList();

    assertThat(stack.delete()).as("delete failures").isEmpty();

    entries.forEach(name -> assertThat(stack.events).contains(Reasons.NOT_OWNED + ": Not deleting " + kind() + " " + name
        + ": it belongs to ServerlessService " + OTHER_SERVICE + " (tag " + Tags.SERVICE + ")"));
    assertThat(entries).allSatisfy(name -> assertThat(instance(name).dbInstanceStatus()).isEqualTo("available"));
  }

  @Test
  void deletionUnderDeleteTakesTheInstancesFinalSnapshotAndTheWriterGoesWithItsCluster() {
    stack.settle();

    assertThat(stack.delete()).as("delete failures").isEmpty();

    assertThat(rds.describeDBSnapshots(r -> r.snapshotType("manual")).dbSnapshots()).extracting(DBSnapshot::dbSnapshotIdentifier)
        .containsExactly("nexus-prod-willbook-final-20261203140509");
    assertThat(rds.describeDBClusterSnapshots(r -> r.snapshotType("manual")).dbClusterSnapshots()).extracting(s -> s.dbClusterSnapshotIdentifier())
        .containsExactly("nexus-prod-orders-final-20261203140509");
  }

  @Test
  void anInstanceRestoredFromASnapshotGetsItsManagedPasswordAndRetentionAfterwards() {
    rds.createDBInstance(r -> r.dbInstanceIdentifier("legacy").engine("postgres").engineVersion("16.4").dbInstanceClass("db.t4g.micro")
        .allocatedStorage(20).masterUsername("app").masterUserPassword("legacy-password").storageEncrypted(true).backupRetentionPeriod(1));
    rds.createDBSnapshot(r -> r.dbInstanceIdentifier("legacy").dbSnapshotIdentifier("legacy-dr"));
    willbook(stack.spec()).fromSnapshot = "legacy-dr";

    stack.settle();

    assertThat(stack.mutatingCalls()).contains("RestoreDBInstanceFromDBSnapshot", "ModifyDBInstance")
        .filteredOn(c -> c.equals("CreateDBInstance")).hasSize(1); // the writer of orders only
    DBInstance i = instance("nexus-prod-willbook");
    assertThat(i.masterUserSecret()).as("managed password after the restore").isNotNull();
    assertThat(i.backupRetentionPeriod()).isEqualTo(7);
    assertThat(stack.settle().firstFailure()).isEmpty();
    assertThat(stack.mutatingCalls()).isEmpty();
  }

  /** A network-placed (or not) function using {@code database}. */
  private static FunctionSpec user(String name, String database, boolean network) {
    FunctionSpec f = KindHarness.function("name: " + name + "\ncode: { s3: { bucket: b, key: k.zip } }\n" + (network ? "vpc: { network: true }\n" : ""));
    FunctionSpec.DatabaseAccess access = new FunctionSpec.DatabaseAccess();
    access.name = database;
    f.databases.add(access);
    return f;
  }

  private DBInstance instance(String id) {
    return rds.describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances().get(0);
  }

  private static DatabaseSpec willbook(ServerlessServiceSpec spec) {
    return DatabaseFixture.named(spec, "willbook");
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.operation("CreateDBInstance");
  }
}
