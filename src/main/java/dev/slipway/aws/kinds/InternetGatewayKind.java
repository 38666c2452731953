package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InternetGateway;
import software.amazon.awssdk.services.ec2.model.InternetGatewayAttachment;
import software.amazon.awssdk.services.ec2.model.ResourceType;

/** The internet gateway of a network with public subnets ({@code <prefix>-igw}), attached to the service's VPC. */
public final class InternetGatewayKind extends Ec2Kind<InternetGatewayKind.Desired, InternetGatewayKind.Observed, InternetGateway> {

  public static final String KIND = "InternetGateway";
  static final String NAME = "internet";
  static final String ID_OUTPUT = "network.internetGatewayId";
  private static final KindInfo INFO = KindInfo.recordedId(KIND, Set.of(VpcKind.KIND));

  public record Desired(String physicalName, String vpcId) implements DesiredResource {}

  public record Observed(InternetGateway gateway) {
    List<String> attachedTo() {
      return gateway.attachments().stream().map(InternetGatewayAttachment::vpcId).sorted().toList();
    }
  }

  static String key() {
    return Planned.key(KIND, NAME);
  }

  public InternetGatewayKind() {
    super(INFO, "internet gateway", Observed::gateway, InternetGateway::internetGatewayId, InternetGateway::tags);
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    if (ctx.spec().network == null || SubnetKind.names(ctx.spec().network, true).isEmpty()) {
      return List.of();
    }
    String physical = ctx.physicalName("igw");
    return List.of(new Planned<>(this, NAME, physical, List.of(VpcKind.key(ctx.spec().network)), c -> new Desired(physical, c.output(VpcKind.ID_OUTPUT))));
  }

  @Override
  Ec2Resources.Describe<InternetGateway> describe(StackContext ctx) {
    return (ids, filters) -> Ec2Resources.ec2(ctx.aws()).describeInternetGateways(r -> r.internetGatewayIds(ids).filters(filters)).internetGateways();
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    return find(ctx, NAME, d.physicalName()).map(Observed::new);
  }

  /** The attachment follows as a step. */
  @Override
  public Observed create(StackContext ctx, Desired d) {
    return new Observed(Ec2Resources.ec2(ctx.aws()).createInternetGateway(r -> r.tagSpecifications(
        Ec2Resources.tagging(ctx, ResourceType.INTERNET_GATEWAY, d.physicalName()))).internetGateway());
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    List<String> attached = o.attachedTo();
    if (attached.equals(List.of(d.vpcId()))) {
      return List.of();
    }
    String id = o.gateway().internetGatewayId();
    return List.of(new Step("attachment", d.vpcId(), attached, () -> {
      Ec2Client ec2 = Ec2Resources.ec2(ctx.aws());
      attached.forEach(vpc -> ec2.detachInternetGateway(r -> r.internetGatewayId(id).vpcId(vpc)));
      ec2.attachInternetGateway(r -> r.internetGatewayId(id).vpcId(d.vpcId()));
    }));
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    String id = o.gateway().internetGatewayId();
    return Published.of(id).internal(ID_OUTPUT, id).build();
  }

  /** A gateway is detached from its VPC before EC2 lets it be deleted. */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    Ec2Client ec2 = Ec2Resources.ec2(ctx.aws());
    Ec2Resources.byId(describe(ctx), resource.id).map(Observed::new).ifPresent(o -> {
      o.attachedTo().forEach(vpc -> ec2.detachInternetGateway(r -> r.internetGatewayId(resource.id).vpcId(vpc)));
      ec2.deleteInternetGateway(r -> r.internetGatewayId(resource.id));
    });
  }
}
