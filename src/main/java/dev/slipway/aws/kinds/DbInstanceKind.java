package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.DatabaseSpec;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.Delta;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.NotReady;
import dev.slipway.aws.Planned;
import dev.slipway.aws.PolicyStatement;
import dev.slipway.aws.Published;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import dev.slipway.status.Reasons;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.ModifyDbInstanceRequest;

/**
 * The instance of each database: for an Aurora engine the cluster's writer ({@code
 * <prefix>-<database>-writer}, class db.serverless for Serverless v2, else the spec's class), for
 * postgres and mysql the RDS instance itself ({@code <prefix>-<database>}), which then holds every
 * setting {@link DbClusterKind} holds for a cluster (the same {@link DatabaseSettings}) plus its class,
 * storage and Multi-AZ, all changed in place with one ModifyDBInstance. Functions that name a database
 * may read exactly its master-user secret.
 */
public final class DbInstanceKind implements AwsResourceKind<DbInstanceKind.Desired, DbInstanceKind.Observed> {

  public static final String KIND = "DBInstance";
  /** The instance class of an Aurora Serverless v2 writer. */
  static final String SERVERLESS_CLASS = "db.serverless";
  static final List<String> READ_SECRET = List.of("secretsmanager:GetSecretValue");
  private static final KindInfo INFO = KindInfo.named(KIND, Set.of(DbClusterKind.KIND, DbSubnetGroupKind.KIND, SecurityGroupKind.KIND));

  private final Clock clock;

  public DbInstanceKind() {
    this(Clock.systemUTC());
  }

  /** With the clock that names final snapshots. */
  DbInstanceKind(Clock clock) {
    this.clock = clock;
  }

  /**
   * @param cluster the Aurora cluster it is the writer of, null for an RDS instance
   * @param settings an RDS instance's settings, null for a writer (its cluster holds them)
   */
  public record Desired(String name, String physicalName, DatabaseSpec db, String cluster, String instanceClass, DatabaseSettings.Wanted settings,
      String subnetGroup) implements DesiredResource {}

  public record Observed(DBInstance instance, Map<String, String> tags) {}

  @Override
  public KindInfo info() {
    return INFO;
  }

  /** The key of the resource that publishes a database's outputs: its cluster for Aurora, else its instance. */
  static String publisher(DatabaseSpec db) {
    return Planned.key(db.aurora() ? DbClusterKind.KIND : KIND, db.name);
  }

  /** What a function's role and environment wait for: the databases it uses or takes outputs of. */
  static List<String> publishers(ServerlessServiceSpec spec, FunctionSpec f) {
    List<String> names = new ArrayList<>();
    f.databases.forEach(a -> names.add(a.name));
    f.environmentFrom.values().stream().filter(s -> s.database != null).forEach(s -> names.add(s.database.name));
    return spec.databases.stream().filter(db -> names.contains(db.name)).map(DbInstanceKind::publisher).toList();
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    if (ctx.spec().network == null) {
      return List.of();
    }
    List<Planned<Desired, Observed>> plan = new ArrayList<>();
    for (DatabaseSpec db : ctx.spec().databases) {
      String id = RdsResources.identifier(ctx, db);
      if (db.aurora()) {
        String physical = id + "-writer";
        String instanceClass = db.serverless != null ? SERVERLESS_CLASS : db.instance.instanceClass;
        plan.add(new Planned<>(this, db.name, physical, List.of(Planned.key(DbClusterKind.KIND, db.name)),
            c -> new Desired(db.name, RdsResources.checked(physical), db, id, instanceClass, null, null)));
      } else {
        List<String> deps = List.of(Planned.key(DbSubnetGroupKind.KIND, db.name), Planned.key(SecurityGroupKind.KIND, RdsResources.securityGroup(db)));
        plan.add(new Planned<>(this, db.name, id, deps,
            c -> new Desired(db.name, RdsResources.checked(id), db, null, db.instance.instanceClass, DatabaseSettings.Wanted.of(c, db), DbSubnetGroupKind.nameOf(c, db))));
      }
    }
    return plan;
  }

  /** A function using a database must be where its security group lets it in; a reader endpoint exists only for Aurora. */
  @Override
  public List<String> validate(ServerlessServiceSpec spec) {
    List<String> problems = new ArrayList<>();
    for (FunctionSpec f : spec.functions) {
      if (!f.databases.isEmpty() && (f.vpc == null || !f.vpc.byNetwork())) {
        problems.add("function " + f.name + " uses databases " + f.databases.stream().map(a -> a.name).toList()
            + " but is not in the network: set vpc.network true, the only group a database admits");
      }
      f.environmentFrom.forEach((variable, source) -> {
        if (source.database == null) {
          return;
        }
        String where = "function " + f.name + ", environmentFrom " + variable + ": ";
        Optional<DatabaseSpec> db = spec.databases.stream().filter(d -> d.name.equals(source.database.name)).findFirst();
        if (db.isEmpty()) {
          problems.add(where + "database " + source.database.name + " is not in spec.databases");
        } else if (source.database.value == FunctionSpec.DatabaseOutput.Value.readerEndpoint && !db.get().aurora()) {
          problems.add(where + "database " + source.database.name + " is an RDS instance and has no readerEndpoint");
        }
      });
    }
    return problems;
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    return Optional.of(observe(ctx, d.physicalName()));
  }

  /** DBInstanceNotFound is absence, for the runtime. */
  private static Observed observe(StackContext ctx, String identifier) {
    RdsClient rds = RdsResources.rds(ctx.aws());
    DBInstance i = rds.describeDBInstances(r -> r.dbInstanceIdentifier(identifier)).dbInstances().get(0);
    return new Observed(i, RdsResources.tags(rds, i.dbInstanceArn()));
  }

  @Override
  public Observed create(StackContext ctx, Desired d) {
    RdsClient rds = RdsResources.rds(ctx.aws());
    DatabaseSpec db = d.db();
    DatabaseSettings.Wanted w = d.settings();
    DBInstance i;
    if (d.cluster() != null) {
      i = rds.createDBInstance(r -> r.dbInstanceIdentifier(d.physicalName()).dbClusterIdentifier(d.cluster()).engine(db.engine.id())
          .dbInstanceClass(d.instanceClass()).publiclyAccessible(false).tags(RdsResources.toTags(ctx.tags()))).dbInstance();
    } else if (db.fromSnapshot != null) {
      // What a restore cannot set (engine version, backup retention, the managed password) follows as steps.
      i = rds.restoreDBInstanceFromDBSnapshot(r -> r.dbInstanceIdentifier(d.physicalName()).dbSnapshotIdentifier(db.fromSnapshot)
          .engine(w.engine()).dbInstanceClass(d.instanceClass()).allocatedStorage(db.instance.allocatedStorage)
          .multiAZ(Boolean.TRUE.equals(db.instance.multiAz)).port(w.port()).dbSubnetGroupName(d.subnetGroup()).vpcSecurityGroupIds(w.securityGroups())
          .deletionProtection(w.deletionProtection()).copyTagsToSnapshot(true).publiclyAccessible(false).tags(RdsResources.toTags(ctx.tags())))
          .dbInstance();
    } else {
      i = rds.createDBInstance(r -> r.dbInstanceIdentifier(d.physicalName()).engine(w.engine()).engineVersion(w.engineVersion())
          .dbInstanceClass(d.instanceClass()).allocatedStorage(db.instance.allocatedStorage).multiAZ(Boolean.TRUE.equals(db.instance.multiAz))
          .port(w.port()).dbName(db.databaseName).masterUsername(db.masterUsername).manageMasterUserPassword(true).storageEncrypted(true)
          .backupRetentionPeriod(w.backupRetentionDays()).deletionProtection(w.deletionProtection()).copyTagsToSnapshot(true)
          .dbSubnetGroupName(d.subnetGroup()).vpcSecurityGroupIds(w.securityGroups()).publiclyAccessible(false)
          .tags(RdsResources.toTags(ctx.tags()))).dbInstance();
    }
    return new Observed(i, ctx.tags());
  }

  @Override
  public Optional<NotReady> readiness(Observed o) {
    return DatabaseSettings.readiness("DB instance " + o.instance().dbInstanceIdentifier(), DatabaseSettings.Seen.of(o.instance()));
  }

  /** A writer's class; an RDS instance's class, storage (grown, never shrunk), Multi-AZ and shared settings, in one ModifyDBInstance. */
  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    DBInstance i = o.instance();
    DatabaseSettings.Wanted w = d.settings();
    Delta.Builder all = w == null ? Delta.builder() : DatabaseSettings.compare("DB instance " + d.physicalName(), w, DatabaseSettings.Seen.of(i));
    all.compare("instanceClass", d.instanceClass(), i.dbInstanceClass());
    if (w != null) {
      int storage = d.db().instance.allocatedStorage;
      if (i.allocatedStorage() != null && storage < i.allocatedStorage()) {
        throw SlipwayException.terminal(Reasons.IMMUTABLE_FIELD, "DB instance " + d.physicalName() + " has " + i.allocatedStorage()
            + " GiB, the spec asks for " + storage + ": RDS storage can grow, never shrink");
      }
      all.compare("allocatedStorage", storage, i.allocatedStorage())
          .compare("multiAz", Boolean.TRUE.equals(d.db().instance.multiAz), Boolean.TRUE.equals(i.multiAZ()));
    }
    Delta delta = all.build();
    if (delta.isEmpty()) {
      return List.of();
    }
    ModifyDbInstanceRequest.Builder m = ModifyDbInstanceRequest.builder().dbInstanceIdentifier(d.physicalName()).applyImmediately(true);
    if (delta.differsAt("instanceClass")) {
      m.dbInstanceClass(d.instanceClass());
    }
    if (delta.differsAt("allocatedStorage")) {
      m.allocatedStorage(d.db().instance.allocatedStorage);
    }
    if (delta.differsAt("multiAz")) {
      m.multiAZ(Boolean.TRUE.equals(d.db().instance.multiAz));
    }
    if (w != null) {
      DatabaseSettings.modify(delta, w, DatabaseSettings.Seen.of(i), new DatabaseSettings.Setters(
          (v, major) -> m.engineVersion(v).allowMajorVersionUpgrade(major), m::dbPortNumber, m::backupRetentionPeriod, m::deletionProtection,
          m::copyTagsToSnapshot, m::vpcSecurityGroupIds, m::manageMasterUserPassword));
    }
    ModifyDbInstanceRequest request = m.build();
    return List.of(Step.of(delta, () -> RdsResources.rds(ctx.aws()).modifyDBInstance(request)));
  }

  @Override
  public Map<String, String> tags(Observed o) {
    return o.tags();
  }

  @Override
  public void retag(StackContext ctx, Observed o, Map<String, String> set, Collection<String> remove) {
    RdsResources.retag(ctx, o.instance().dbInstanceArn(), set, remove);
  }

  /** An RDS instance's endpoint, port and managed secret's ARN (never the password); a writer's are its cluster's. */
  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    DBInstance i = o.instance();
    Published.Builder p = Published.of(i.dbInstanceArn());
    if (d.cluster() == null) {
      p.output(RdsResources.output(d.name(), "endpoint"), i.endpoint() == null ? null : i.endpoint().address())
          .output(RdsResources.output(d.name(), "port"), i.endpoint() == null ? null : String.valueOf(i.endpoint().port()))
          .output(RdsResources.output(d.name(), "secretArn"), DatabaseSettings.Seen.of(i).secretArn());
    }
    return p.build();
  }

  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    return Optional.of(observe(ctx, resource.physicalName).tags());
  }

  /**
   * Runs only under deletionPolicy Delete. A writer goes without a snapshot (its cluster takes the final
   * one); an RDS instance loses its deletion protection and leaves a final snapshot. Awaited until gone.
   */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    RdsClient rds = RdsResources.rds(ctx.aws());
    DBInstance i = observe(ctx, resource.physicalName).instance();
    if (!"deleting".equals(i.dbInstanceStatus())) {
      String id = i.dbInstanceIdentifier();
      if (i.dbClusterIdentifier() != null) {
        rds.deleteDBInstance(r -> r.dbInstanceIdentifier(id));
      } else {
        if (Boolean.TRUE.equals(i.deletionProtection())) {
          rds.modifyDBInstance(r -> r.dbInstanceIdentifier(id).deletionProtection(false).applyImmediately(true));
        }
        rds.deleteDBInstance(r -> r.dbInstanceIdentifier(id).skipFinalSnapshot(false).finalDBSnapshotIdentifier(DatabaseSettings.finalSnapshot(id, clock)));
      }
    }
    if (AwsErrors.unlessNotFound(() -> observe(ctx, resource.physicalName)).isPresent()) {
      throw NotReady.awaiting("DB instance " + resource.physicalName + " is being deleted", DatabaseSettings.BUSY);
    }
  }

  /** secretsmanager:GetSecretValue on exactly the master-user secret of each database the function names. */
  @Override
  public List<PolicyStatement> grants(StackContext ctx, PolicyStatement.Scope scope, FunctionSpec function) {
    List<String> secrets = function.databases.stream().map(a -> ctx.output(RdsResources.output(a.name, "secretArn"))).toList();
    return secrets.isEmpty() ? List.of() : List.of(new PolicyStatement("DatabaseSecrets", READ_SECRET, secrets));
  }
}
