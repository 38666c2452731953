package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.NetworkSpec;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import dev.slipway.status.Reasons;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AttributeBooleanValue;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Vpc;
import software.amazon.awssdk.services.ec2.model.VpcAttributeName;

/**
 * The service's VPC ({@code <prefix>-vpc}), with DNS resolution and DNS hostnames on, which
 * interface endpoints and RDS names need. Its CIDR cannot change (the CRD says so).
 */
public final class VpcKind extends Ec2Kind<VpcKind.Desired, VpcKind.Observed, Vpc> {

  public static final String KIND = "Vpc";
  /** The logical name of the one VPC of a service. */
  static final String NAME = "network";
  static final String ID_OUTPUT = "network.vpcId";
  private static final KindInfo INFO = KindInfo.recordedId(KIND, Set.of());

  public record Desired(String physicalName, String cidr) implements DesiredResource {}

  /** The VPC with its two DNS attributes, which DescribeVpcs does not show. */
  public record Observed(Vpc vpc, boolean dnsSupport, boolean dnsHostnames) {}

  /** Whether the network is a VPC Slipway creates from its CIDR, not an existing one named by id. */
  static boolean created(NetworkSpec network) {
    return network.vpcId == null;
  }

  /** The key dependents of the VPC declare: this kind's, or the existing VPC's. */
  static String key(NetworkSpec network) {
    return Planned.key(created(network) ? KIND : ExistingVpcKind.KIND, NAME);
  }

  public VpcKind() {
    super(INFO, "VPC", Observed::vpc, Vpc::vpcId, Vpc::tags);
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    if (ctx.spec().network == null || !created(ctx.spec().network)) {
      return List.of();
    }
    String physical = ctx.physicalName("vpc");
    return List.of(new Planned<>(this, NAME, physical, List.of(), c -> new Desired(physical, c.spec().network.cidr)));
  }

  @Override
  Ec2Resources.Describe<Vpc> describe(StackContext ctx) {
    return (ids, filters) -> Ec2Resources.ec2(ctx.aws()).describeVpcs(r -> r.vpcIds(ids).filters(filters)).vpcs();
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    return find(ctx, NAME, d.physicalName()).map(v -> observe(ctx, v));
  }

  private static Observed observe(StackContext ctx, Vpc vpc) {
    Ec2Client ec2 = Ec2Resources.ec2(ctx.aws());
    boolean support = ec2.describeVpcAttribute(r -> r.vpcId(vpc.vpcId()).attribute(VpcAttributeName.ENABLE_DNS_SUPPORT)).enableDnsSupport().value();
    boolean hostnames = ec2.describeVpcAttribute(r -> r.vpcId(vpc.vpcId()).attribute(VpcAttributeName.ENABLE_DNS_HOSTNAMES)).enableDnsHostnames().value();
    return new Observed(vpc, support, hostnames);
  }

  @Override
  public Observed create(StackContext ctx, Desired d) {
    Vpc vpc = Ec2Resources.ec2(ctx.aws()).createVpc(r -> r.cidrBlock(d.cidr()).tagSpecifications(Ec2Resources.tagging(ctx, ResourceType.VPC, d.physicalName()))).vpc();
    return observe(ctx, vpc);
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    String id = o.vpc().vpcId();
    if (!d.cidr().equals(o.vpc().cidrBlock())) {
      throw SlipwayException.terminal(Reasons.INVALID_SPEC, "VPC " + id + " has CIDR " + o.vpc().cidrBlock() + ", not " + d.cidr() + "; a VPC's CIDR cannot change");
    }
    AttributeBooleanValue on = AttributeBooleanValue.builder().value(true).build();
    List<Step> steps = new ArrayList<>();
    // One attribute per call: EC2 refuses both in one ModifyVpcAttribute.
    if (!o.dnsSupport()) {
      steps.add(new Step("enableDnsSupport", true, false, () -> Ec2Resources.ec2(ctx.aws()).modifyVpcAttribute(r -> r.vpcId(id).enableDnsSupport(on))));
    }
    if (!o.dnsHostnames()) {
      steps.add(new Step("enableDnsHostnames", true, false, () -> Ec2Resources.ec2(ctx.aws()).modifyVpcAttribute(r -> r.vpcId(id).enableDnsHostnames(on))));
    }
    return steps;
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(o.vpc().vpcId()).output(ID_OUTPUT, o.vpc().vpcId()).build();
  }

  /** Runs last: the runtime deletes the subnets, gateways, route tables and groups in it first. */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    Ec2Resources.ec2(ctx.aws()).deleteVpc(r -> r.vpcId(resource.id));
  }
}
