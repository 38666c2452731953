package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.NetworkSpec;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ec2.model.Vpc;

/**
 * The existing VPC a network names by {@code network.vpcId}, read and never created, changed, tagged
 * or deleted. It publishes the id output a VPC Slipway creates does, so what Slipway puts inside it
 * (security groups, endpoints, subnet groups) is planned the same way in either mode.
 */
public final class ExistingVpcKind extends ReferencedKind<ExistingVpcKind.Desired, Vpc> {

  public static final String KIND = "ExistingVpc";

  /** @param physicalName the VPC's id */
  public record Desired(String physicalName) implements DesiredResource {}

  public ExistingVpcKind() {
    super(KindInfo.named(KIND, Set.of()));
  }

  @Override
  public List<Planned<Desired, Vpc>> plan(StackContext ctx) {
    NetworkSpec network = ctx.spec().network;
    if (network == null || VpcKind.created(network)) {
      return List.of();
    }
    return List.of(new Planned<>(this, VpcKind.NAME, network.vpcId, List.of(), c -> new Desired(network.vpcId)));
  }

  @Override
  public Optional<Vpc> read(StackContext ctx, Desired d) {
    return Ec2Resources.byId((ids, filters) -> Ec2Resources.ec2(ctx.aws()).describeVpcs(r -> r.vpcIds(ids)).vpcs(), d.physicalName());
  }

  /** Called when the VPC is not there: Slipway never makes the VPC it is told to use. */
  @Override
  public Vpc create(StackContext ctx, Desired d) {
    throw SlipwayException.terminal("VpcNotFound", "network.vpcId " + d.physicalName() + " names no VPC in " + ctx.region()
        + "; Slipway uses an existing VPC as it is and never creates one (set network.cidr for a VPC of its own)");
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Vpc vpc) {
    return Published.of(vpc.vpcId()).output(VpcKind.ID_OUTPUT, vpc.vpcId()).build();
  }
}
