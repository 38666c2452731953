package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.DatabaseSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.Delta;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.NotReady;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.ModifyDbClusterRequest;
import software.amazon.awssdk.services.rds.model.ServerlessV2ScalingConfiguration;

/**
 * The Aurora cluster of each database with an aurora engine ({@code <prefix>-<database>}), in its DB
 * subnet group and its own security group: encrypted, the master password managed by AWS in Secrets
 * Manager (only the secret's ARN is published), deletion-protected under deletionPolicy Retain, tags
 * copied to snapshots. Created empty or restored from {@code fromSnapshot}. Capacity, backup retention,
 * deletion protection, port and a version upgrade change in place, in one ModifyDBCluster; its writer is
 * {@link DbInstanceKind}'s. Deleted (under Delete) with a final snapshot.
 */
public final class DbClusterKind implements AwsResourceKind<DbClusterKind.Desired, DbClusterKind.Observed> {

  public static final String KIND = "DBCluster";
  private static final KindInfo INFO = KindInfo.named(KIND, Set.of(DbSubnetGroupKind.KIND, SecurityGroupKind.KIND));

  private final Clock clock;

  public DbClusterKind() {
    this(Clock.systemUTC());
  }

  /** With the clock that names final snapshots. */
  DbClusterKind(Clock clock) {
    this.clock = clock;
  }

  /** @param capacity Serverless v2 ACUs, null for a provisioned writer */
  public record Desired(String name, String physicalName, DatabaseSpec db, DatabaseSettings.Wanted settings, String subnetGroup, Capacity capacity)
      implements DesiredResource {}

  /** Aurora Serverless v2 capacity in ACUs. */
  public record Capacity(Double min, Double max) {}

  public record Observed(DBCluster cluster, Map<String, String> tags) {
    DatabaseSettings.Seen seen() {
      return DatabaseSettings.Seen.of(cluster);
    }

    Capacity capacity() {
      var c = cluster.serverlessV2ScalingConfiguration();
      return c == null || c.minCapacity() == null ? null : new Capacity(c.minCapacity(), c.maxCapacity());
    }
  }

  @Override
  public KindInfo info() {
    return INFO;
  }

  /** One cluster per Aurora database, after its subnet group and security group. */
  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    if (ctx.spec().network == null) {
      return List.of();
    }
    List<Planned<Desired, Observed>> plan = new ArrayList<>();
    for (DatabaseSpec db : ctx.spec().databases) {
      if (!db.aurora()) {
        continue;
      }
      String physical = RdsResources.identifier(ctx, db);
      List<String> deps = List.of(Planned.key(DbSubnetGroupKind.KIND, db.name), Planned.key(SecurityGroupKind.KIND, RdsResources.securityGroup(db)));
      plan.add(new Planned<>(this, db.name, physical, deps, c -> new Desired(db.name, RdsResources.checked(physical), db, DatabaseSettings.Wanted.of(c, db),
          DbSubnetGroupKind.nameOf(c, db), db.serverless == null ? null : new Capacity(db.serverless.minCapacity, db.serverless.maxCapacity))));
    }
    return plan;
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    return Optional.of(observe(ctx, d.physicalName()));
  }

  /** DBClusterNotFoundFault is absence, for the runtime. */
  private static Observed observe(StackContext ctx, String identifier) {
    RdsClient rds = RdsResources.rds(ctx.aws());
    DBCluster c = rds.describeDBClusters(r -> r.dbClusterIdentifier(identifier)).dbClusters().get(0);
    return new Observed(c, RdsResources.tags(rds, c.dbClusterArn()));
  }

  /** A new cluster, or one restored from the snapshot the spec names; what a restore cannot set follows as steps. */
  @Override
  public Observed create(StackContext ctx, Desired d) {
    DatabaseSpec db = d.db();
    DatabaseSettings.Wanted w = d.settings();
    RdsClient rds = RdsResources.rds(ctx.aws());
    ServerlessV2ScalingConfiguration scaling = scaling(d.capacity());
    DBCluster c = db.fromSnapshot != null
        ? rds.restoreDBClusterFromSnapshot(r -> r.dbClusterIdentifier(d.physicalName()).snapshotIdentifier(db.fromSnapshot)
            .engine(w.engine()).engineVersion(w.engineVersion()).port(w.port()).dbSubnetGroupName(d.subnetGroup())
            .vpcSecurityGroupIds(w.securityGroups()).deletionProtection(w.deletionProtection()).copyTagsToSnapshot(true)
            .serverlessV2ScalingConfiguration(scaling).tags(RdsResources.toTags(ctx.tags()))).dbCluster()
        : rds.createDBCluster(r -> r.dbClusterIdentifier(d.physicalName()).engine(w.engine()).engineVersion(w.engineVersion()).port(w.port())
            .databaseName(db.databaseName).masterUsername(db.masterUsername).manageMasterUserPassword(true).storageEncrypted(true)
            .backupRetentionPeriod(w.backupRetentionDays()).deletionProtection(w.deletionProtection()).copyTagsToSnapshot(true)
            .dbSubnetGroupName(d.subnetGroup()).vpcSecurityGroupIds(w.securityGroups()).serverlessV2ScalingConfiguration(scaling)
            .tags(RdsResources.toTags(ctx.tags()))).dbCluster();
    return new Observed(c, ctx.tags());
  }

  @Override
  public Optional<NotReady> readiness(Observed o) {
    return DatabaseSettings.readiness("DB cluster " + o.cluster().dbClusterIdentifier(), o.seen());
  }

  /** Everything that differs goes in one ModifyDBCluster, applied now rather than in the maintenance window. */
  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    DatabaseSettings.Seen seen = o.seen();
    Delta delta = DatabaseSettings.compare("DB cluster " + d.physicalName(), d.settings(), seen).compare("capacity", d.capacity(), o.capacity()).build();
    if (delta.isEmpty()) {
      return List.of();
    }
    ModifyDbClusterRequest.Builder m = ModifyDbClusterRequest.builder().dbClusterIdentifier(d.physicalName()).applyImmediately(true);
    DatabaseSettings.modify(delta, d.settings(), seen, new DatabaseSettings.Setters((v, major) -> m.engineVersion(v).allowMajorVersionUpgrade(major),
        m::port, m::backupRetentionPeriod, m::deletionProtection, m::copyTagsToSnapshot, m::vpcSecurityGroupIds, m::manageMasterUserPassword));
    if (delta.differsAt("capacity")) {
      m.serverlessV2ScalingConfiguration(scaling(d.capacity()));
    }
    ModifyDbClusterRequest request = m.build();
    return List.of(Step.of(delta, () -> RdsResources.rds(ctx.aws()).modifyDBCluster(request)));
  }

  private static ServerlessV2ScalingConfiguration scaling(Capacity capacity) {
    return capacity == null ? null : ServerlessV2ScalingConfiguration.builder().minCapacity(capacity.min()).maxCapacity(capacity.max()).build();
  }

  @Override
  public Map<String, String> tags(Observed o) {
    return o.tags();
  }

  @Override
  public void retag(StackContext ctx, Observed o, Map<String, String> set, Collection<String> remove) {
    RdsResources.retag(ctx, o.cluster().dbClusterArn(), set, remove);
  }

  /** The endpoints, the port and the managed secret's ARN; never the password, which only Secrets Manager holds. */
  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    DBCluster c = o.cluster();
    return Published.of(c.dbClusterArn())
        .output(RdsResources.output(d.name(), "endpoint"), c.endpoint())
        .output(RdsResources.output(d.name(), "readerEndpoint"), c.readerEndpoint())
        .output(RdsResources.output(d.name(), "port"), String.valueOf(c.port()))
        .output(RdsResources.output(d.name(), "secretArn"), o.seen().secretArn())
        .build();
  }

  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    return Optional.of(observe(ctx, resource.physicalName).tags());
  }

  /**
   * Runs only under deletionPolicy Delete: deletion protection (left by a Retain that has since become
   * Delete) is lifted, and a final snapshot keeps the data. RDS takes minutes: the cluster is awaited
   * until it is gone.
   */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    RdsClient rds = RdsResources.rds(ctx.aws());
    DBCluster c = observe(ctx, resource.physicalName).cluster();
    if (!"deleting".equals(c.status())) {
      if (Boolean.TRUE.equals(c.deletionProtection())) {
        rds.modifyDBCluster(r -> r.dbClusterIdentifier(c.dbClusterIdentifier()).deletionProtection(false).applyImmediately(true));
      }
      rds.deleteDBCluster(r -> r.dbClusterIdentifier(c.dbClusterIdentifier()).skipFinalSnapshot(false)
          .finalDBSnapshotIdentifier(DatabaseSettings.finalSnapshot(c.dbClusterIdentifier(), clock)));
    }
    if (AwsErrors.unlessNotFound(() -> observe(ctx, resource.physicalName)).isPresent()) {
      throw NotReady.awaiting("DB cluster " + resource.physicalName + " is being deleted", DatabaseSettings.BUSY);
    }
  }
}
