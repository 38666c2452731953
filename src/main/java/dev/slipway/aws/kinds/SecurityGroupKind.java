package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.NetworkSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.NotReady;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;

/**
 * The security groups of the network: {@code functions}, which every function placed by the network
 * is in and which admits nothing, the declared ones and the {@link #generatedGroups generated} ones
 * (the interface endpoints' group, each data store's), each admitting exactly its {@code ingressFrom}
 * rules (a rule added behind Slipway's back is revoked). Outbound rules stay as EC2 creates them: all
 * traffic allowed.
 */
public final class SecurityGroupKind extends Ec2Kind<SecurityGroupKind.Desired, SecurityGroupKind.Observed, SecurityGroup> {

  public static final String KIND = "SecurityGroup";
  /** The group of the functions in the network. */
  static final String FUNCTIONS = "functions";
  // A group may depend on the groups its rules admit.
  private static final KindInfo INFO = KindInfo.recordedId(KIND, Set.of(VpcKind.KIND, ExistingVpcKind.KIND, KIND));
  private static final String DEPENDENCY_VIOLATION = "DependencyViolation";
  /** How often a group awaiting its network interfaces' release is tried again. */
  private static final Duration INTERFACES_RELEASED = Duration.ofMinutes(1);

  /** One inbound rule as EC2 holds it: from a group or from a CIDR, to one port. */
  record Rule(String protocol, int port, String fromGroup, String fromCidr) implements Comparable<Rule> {
    @Override
    public int compareTo(Rule o) {
      return toString().compareTo(o.toString());
    }

    IpPermission permission() {
      IpPermission.Builder p = IpPermission.builder().ipProtocol(protocol).fromPort(port).toPort(port);
      return fromGroup != null
          ? p.userIdGroupPairs(UserIdGroupPair.builder().groupId(fromGroup).build()).build()
          : p.ipRanges(IpRange.builder().cidrIp(fromCidr).build()).build();
    }
  }

  public record Desired(String name, String physicalName, String vpcId, SortedSet<Rule> ingress) implements DesiredResource {}

  public record Observed(SecurityGroup group) {
    /** Every inbound rule, one per port and source. */
    SortedSet<Rule> ingress() {
      SortedSet<Rule> rules = new TreeSet<>();
      for (IpPermission p : group.ipPermissions()) {
        int port = p.fromPort() == null ? -1 : p.fromPort();
        p.userIdGroupPairs().forEach(g -> rules.add(new Rule(p.ipProtocol(), port, g.groupId(), null)));
        p.ipRanges().forEach(r -> rules.add(new Rule(p.ipProtocol(), port, null, r.cidrIp())));
      }
      return rules;
    }
  }

  /** The output key of a group's id. */
  static String idOutput(String group) {
    return "network.securityGroup." + group + ".id";
  }

  public SecurityGroupKind() {
    super(INFO, "security group", Observed::group, SecurityGroup::groupId, SecurityGroup::tags);
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    NetworkSpec network = ctx.spec().network;
    if (network == null) {
      return List.of();
    }
    List<Planned<Desired, Observed>> plan = new ArrayList<>();
    plan.add(planned(ctx, FUNCTIONS, List.of()));
    network.securityGroups.forEach(g -> plan.add(planned(ctx, g.name, g.ingressFrom)));
    generatedGroups(ctx.spec()).forEach(g -> plan.add(planned(ctx, g.name, g.ingressFrom)));
    return plan;
  }

  /**
   * The groups the network brings besides the declared ones, for what it places in its subnets: the
   * interface endpoints' group, and each data store's (database or cache), admitting only the
   * functions group on the store's port. Planned, compared and deleted like declared groups.
   */
  static List<NetworkSpec.SecurityGroup> generatedGroups(ServerlessServiceSpec spec) {
    List<NetworkSpec.SecurityGroup> groups = new ArrayList<>(VpcEndpointKind.securityGroups(spec));
    groups.addAll(RdsResources.securityGroups(spec));
    groups.addAll(ElastiCacheResources.securityGroups(spec));
    return groups;
  }

  private Planned<Desired, Observed> planned(StackContext ctx, String name, List<NetworkSpec.Ingress> ingress) {
    String physical = ctx.physicalName(name);
    List<String> deps = new ArrayList<>(List.of(VpcKind.key(ctx.spec().network)));
    ingress.stream().filter(i -> i.group != null).map(i -> Planned.key(KIND, i.group)).distinct().forEach(deps::add);
    return new Planned<>(this, name, physical, deps, c -> {
      SortedSet<Rule> rules = new TreeSet<>();
      ingress.forEach(i -> rules.add(new Rule(i.protocol.name(), i.port, i.group == null ? null : c.output(idOutput(i.group)), i.cidr)));
      return new Desired(name, physical, c.output(VpcKind.ID_OUTPUT), rules);
    });
  }

  /**
   * Rules name declared groups, never their own (it would depend on itself). Here, not in CEL: over
   * every rule of every group the check exceeds the API server's cost budget.
   */
  @Override
  public List<String> validate(ServerlessServiceSpec spec) {
    if (spec.network == null) {
      return List.of();
    }
    Set<String> declared = new TreeSet<>(List.of(FUNCTIONS));
    spec.network.securityGroups.forEach(g -> declared.add(g.name));
    List<String> problems = new ArrayList<>();
    generatedGroups(spec).stream().filter(g -> declared.contains(g.name))
        .forEach(g -> problems.add("network.securityGroups " + g.name + " is the name of a group Slipway generates (for the interface endpoints, a database or a cache); rename it"));
    for (NetworkSpec.SecurityGroup g : spec.network.securityGroups) {
      for (NetworkSpec.Ingress i : g.ingressFrom) {
        if (g.name.equals(i.group)) {
          problems.add("network.securityGroups " + g.name + " admits itself; name the groups that reach it instead");
        } else if (i.group != null && !declared.contains(i.group)) {
          problems.add("network.securityGroups " + g.name + " admits group " + i.group + ", which is neither functions nor in network.securityGroups");
        }
      }
    }
    return problems;
  }

  @Override
  Ec2Resources.Describe<SecurityGroup> describe(StackContext ctx) {
    return (ids, filters) -> Ec2Resources.ec2(ctx.aws()).describeSecurityGroups(r -> r.groupIds(ids).filters(filters)).securityGroups();
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    return find(ctx, d.name(), d.physicalName()).map(Observed::new);
  }

  /** The rules follow as a step; the response has only the id, so the runtime reads the group back. */
  @Override
  public Observed create(StackContext ctx, Desired d) {
    Ec2Resources.ec2(ctx.aws()).createSecurityGroup(r -> r.groupName(d.physicalName()).vpcId(d.vpcId())
        .description("Slipway group " + d.name() + " of " + ctx.owner())
        .tagSpecifications(Ec2Resources.tagging(ctx, ResourceType.SECURITY_GROUP, d.physicalName())));
    return null;
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    Ec2Client ec2 = Ec2Resources.ec2(ctx.aws());
    String id = o.group().groupId();
    SortedSet<Rule> have = o.ingress();
    List<IpPermission> revoke = have.stream().filter(r -> !d.ingress().contains(r)).map(Rule::permission).toList();
    List<IpPermission> authorize = d.ingress().stream().filter(r -> !have.contains(r)).map(Rule::permission).toList();
    List<Step> steps = new ArrayList<>();
    if (!revoke.isEmpty()) {
      steps.add(new Step("ingress", d.ingress(), have, () -> ec2.revokeSecurityGroupIngress(r -> r.groupId(id).ipPermissions(revoke))));
    }
    if (!authorize.isEmpty()) {
      steps.add(new Step("ingress", d.ingress(), have, () -> ec2.authorizeSecurityGroupIngress(r -> r.groupId(id).ipPermissions(authorize))));
    }
    return steps;
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(o.group().groupId()).output(idOutput(d.name()), o.group().groupId()).build();
  }

  /**
   * Groups whose rules name this one are deleted before it: they depend on it. A group network
   * interfaces are still in is not deleted yet but awaited, naming them: Lambda releases the ENIs of a
   * deleted function or of one moved out of the network only minutes later (up to about 20), and EC2
   * refuses to delete the group until then (DependencyViolation), which is a wait, not a failure.
   */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    Ec2Client ec2 = Ec2Resources.ec2(ctx.aws());
    awaitNoInterfaces(ec2, resource.id, "");
    try {
      ec2.deleteSecurityGroup(r -> r.groupId(resource.id));
    } catch (Ec2Exception e) {
      if (!DEPENDENCY_VIOLATION.equals(AwsErrors.errorCode(e))) {
        throw e;
      }
      String why = " (EC2: " + e.awsErrorDetails().errorMessage() + ")";
      awaitNoInterfaces(ec2, resource.id, why);
      throw NotReady.awaiting("security group " + resource.id + " still in use" + why, INTERFACES_RELEASED);
    }
  }

  /** NotReady naming the network interfaces still in the group, if any. */
  private static void awaitNoInterfaces(Ec2Client ec2, String groupId, String why) {
    List<String> interfaces = ec2.describeNetworkInterfaces(r -> r.filters(Filter.builder().name("group-id").values(groupId).build()))
        .networkInterfaces().stream().map(NetworkInterface::networkInterfaceId).sorted().toList();
    if (!interfaces.isEmpty()) {
      throw NotReady.awaiting("security group " + groupId + " still has network interfaces " + String.join(", ", interfaces)
          + " (Lambda releases a function's ENIs up to about 20 minutes after it leaves the network)" + why, INTERFACES_RELEASED);
    }
  }
}
