package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.DatabaseSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import software.amazon.awssdk.services.rds.model.DBSubnetGroup;
import software.amazon.awssdk.services.rds.model.Subnet;

/**
 * The DB subnet group of each database ({@code <prefix>-<database>}): the network's private subnets,
 * one per zone, so the database lives where only the VPC reaches it. A subnet added or removed behind
 * Slipway's back is put right with ModifyDBSubnetGroup.
 */
public final class DbSubnetGroupKind implements AwsResourceKind<DbSubnetGroupKind.Desired, DbSubnetGroupKind.Observed> {

  public static final String KIND = "DBSubnetGroup";
  private static final KindInfo INFO = KindInfo.named(KIND, Set.of(SubnetKind.KIND, ExistingSubnetKind.KIND));

  public record Desired(String name, String physicalName, SortedSet<String> subnetIds) implements DesiredResource {}

  public record Observed(DBSubnetGroup group, Map<String, String> tags) {
    SortedSet<String> subnetIds() {
      return new TreeSet<>(group.subnets().stream().map(Subnet::subnetIdentifier).toList());
    }
  }

  @Override
  public KindInfo info() {
    return INFO;
  }

  /** One group per database, after the private subnets. */
  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    if (ctx.spec().network == null) {
      return List.of(); // validate() refuses databases without a network
    }
    List<String> subnets = SubnetKind.names(ctx.spec().network, false);
    List<String> deps = subnets.stream().map(s -> SubnetKind.key(ctx.spec().network, s)).toList();
    List<Planned<Desired, Observed>> plan = new ArrayList<>();
    for (DatabaseSpec db : ctx.spec().databases) {
      String physical = RdsResources.identifier(ctx, db);
      plan.add(new Planned<>(this, db.name, physical, deps,
          c -> new Desired(db.name, physical, new TreeSet<>(subnets.stream().map(s -> c.output(SubnetKind.idOutput(s))).toList()))));
    }
    return plan;
  }

  /**
   * Databases live in the network's private subnets, reached through its functions group; RDS
   * refuses a DB subnet group that covers fewer than two zones (DBSubnetGroupDoesNotCoverEnoughAZs).
   */
  @Override
  public List<String> validate(ServerlessServiceSpec spec) {
    if (spec.databases.isEmpty()) {
      return List.of();
    }
    if (spec.network == null) {
      return List.of("spec.databases needs spec.network: a database lives in the network's private subnets");
    }
    if (SubnetKind.names(spec.network, false).size() < 2) {
      return List.of("spec.databases needs private subnets in at least 2 zones (network.availabilityZones, or two network.privateSubnetIds):"
          + " RDS refuses a DB subnet group whose subnets cover fewer than two zones, even for a database in one zone");
    }
    return List.of();
  }

  /** The group's name, for the cluster and instance kinds. */
  static String nameOf(StackContext ctx, DatabaseSpec db) {
    return RdsResources.identifier(ctx, db);
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    // DBSubnetGroupNotFoundFault is absence, for the runtime.
    DBSubnetGroup g = RdsResources.rds(ctx.aws()).describeDBSubnetGroups(r -> r.dbSubnetGroupName(d.physicalName())).dbSubnetGroups().get(0);
    return Optional.of(new Observed(g, RdsResources.tags(RdsResources.rds(ctx.aws()), g.dbSubnetGroupArn())));
  }

  @Override
  public Observed create(StackContext ctx, Desired d) {
    DBSubnetGroup g = RdsResources.rds(ctx.aws()).createDBSubnetGroup(r -> r.dbSubnetGroupName(d.physicalName())
        .dbSubnetGroupDescription("Private subnets of database " + d.name() + " of " + ctx.owner())
        .subnetIds(d.subnetIds()).tags(RdsResources.toTags(ctx.tags()))).dbSubnetGroup();
    return new Observed(g, ctx.tags());
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    if (d.subnetIds().equals(o.subnetIds())) {
      return List.of();
    }
    return List.of(new Step("subnetIds", d.subnetIds(), o.subnetIds(), () -> RdsResources.rds(ctx.aws())
        .modifyDBSubnetGroup(r -> r.dbSubnetGroupName(d.physicalName()).subnetIds(d.subnetIds()))));
  }

  @Override
  public Map<String, String> tags(Observed o) {
    return o.tags();
  }

  @Override
  public void retag(StackContext ctx, Observed o, Map<String, String> set, Collection<String> remove) {
    RdsResources.retag(ctx, o.group().dbSubnetGroupArn(), set, remove);
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(o.group().dbSubnetGroupArn()).build();
  }

  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    return Optional.of(RdsResources.tags(RdsResources.rds(ctx.aws()), resource.id));
  }

  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    RdsResources.rds(ctx.aws()).deleteDBSubnetGroup(r -> r.dbSubnetGroupName(resource.physicalName));
  }
}
