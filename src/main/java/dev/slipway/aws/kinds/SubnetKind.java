package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.NetworkSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
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
import software.amazon.awssdk.services.ec2.model.AttributeBooleanValue;
import software.amazon.awssdk.services.ec2.model.AvailabilityZone;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Subnet;

/**
 * The subnets of the service's network: {@code private-<n>} and {@code public-<n>} for the n-th
 * availability zone of the region (in name order), with CIDRs cut from the VPC's in order, private
 * blocks first. Public subnets give instances public addresses; nothing else of a subnet can change,
 * so a changed CIDR or zone is refused rather than replaced under running functions.
 */
public final class SubnetKind extends Ec2Kind<SubnetKind.Desired, SubnetKind.Observed, Subnet> {

  public static final String KIND = "Subnet";
  private static final KindInfo INFO = KindInfo.recordedId(KIND, Set.of(VpcKind.KIND));

  /** One subnet: its CIDR and zone are derived from the spec; the VPC id comes from the VPC kind. */
  public record Desired(String name, String physicalName, String vpcId, String cidr, String zone, boolean isPublic) implements DesiredResource {}

  public record Observed(Subnet subnet) {}

  /** The output key of a subnet's id. */
  static String idOutput(String subnet) {
    return "network.subnet." + subnet + ".id";
  }

  /**
   * The logical names of the private (or public) subnets the network declares, in zone order; of an
   * existing VPC, its given private subnets' in the order given, and no public ones.
   */
  static List<String> names(NetworkSpec network, boolean isPublic) {
    boolean created = VpcKind.created(network);
    if (isPublic && (!created || !Boolean.TRUE.equals(network.publicSubnets))) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    int count = created ? network.availabilityZones : network.privateSubnetIds == null ? 0 : network.privateSubnetIds.size();
    for (int zone = 1; zone <= count; zone++) {
      names.add((isPublic ? "public-" : "private-") + zone);
    }
    return names;
  }

  /** The key dependents of a private subnet declare: this kind's, or the existing subnet's. */
  static String key(NetworkSpec network, String subnet) {
    return Planned.key(VpcKind.created(network) ? KIND : ExistingSubnetKind.KIND, subnet);
  }

  /** The keys of the network's private subnets, which what stands in them waits for. */
  static List<String> privateKeys(NetworkSpec network) {
    return names(network, false).stream().map(s -> key(network, s)).toList();
  }

  /** The ids of the network's private subnets, sorted, once their kind published them. */
  static List<String> privateIds(StackContext ctx) {
    return names(ctx.spec().network, false).stream().map(s -> ctx.output(idOutput(s))).sorted().toList();
  }

  public SubnetKind() {
    super(INFO, "subnet", Observed::subnet, Subnet::subnetId, Subnet::tags);
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    NetworkSpec network = ctx.spec().network;
    if (network == null || !VpcKind.created(network)) {
      return List.of();
    }
    List<Planned<Desired, Observed>> plan = new ArrayList<>();
    for (boolean isPublic : List.of(false, true)) {
      List<String> names = names(network, isPublic);
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        int zone = i;
        int block = isPublic ? network.availabilityZones + i : i;
        String physical = ctx.physicalName(name);
        plan.add(new Planned<>(this, name, physical, List.of(VpcKind.key(network)),
            c -> new Desired(name, physical, c.output(VpcKind.ID_OUTPUT), Cidr.parse(network.cidr).block(network.subnetPrefixLength, block),
                zone(c, zone), isPublic)));
      }
    }
    return plan;
  }

  /** The n-th (from 0) availability zone of the region in name order; the region having fewer is a spec error. */
  private static String zone(StackContext ctx, int n) {
    List<String> zones = ctx.sharedRead("ec2.availabilityZones", () -> Ec2Resources.ec2(ctx.aws())
        .describeAvailabilityZones(r -> r.filters(Filter.builder().name("state").values("available").build()))
        .availabilityZones().stream().map(AvailabilityZone::zoneName).sorted().toList());
    if (n >= zones.size()) {
      throw SlipwayException.terminal(Reasons.INVALID_SPEC,
          "network.availabilityZones is " + ctx.spec().network.availabilityZones + " but region " + ctx.region() + " has " + zones.size() + " zones");
    }
    return zones.get(n);
  }

  /** Every subnet block must fit in the VPC's CIDR, which is no larger than them. */
  @Override
  public List<String> validate(ServerlessServiceSpec spec) {
    NetworkSpec network = spec.network;
    if (network == null || !VpcKind.created(network)) {
      return List.of();
    }
    Cidr vpc = Cidr.parse(network.cidr);
    List<String> problems = new ArrayList<>();
    if (!vpc.aligned()) {
      problems.add("network.cidr " + network.cidr + " has host bits set; the network address is " + vpc.network());
    }
    int subnets = names(network, false).size() + names(network, true).size();
    if (network.subnetPrefixLength <= vpc.prefix()) {
      problems.add("network.subnetPrefixLength /" + network.subnetPrefixLength + " is not inside the VPC CIDR " + network.cidr);
    } else if (subnets > 1L << (network.subnetPrefixLength - vpc.prefix())) {
      problems.add("network.cidr " + network.cidr + " has room for " + (1L << (network.subnetPrefixLength - vpc.prefix())) + " /"
          + network.subnetPrefixLength + " subnets, not the " + subnets + " declared");
    }
    return problems;
  }

  @Override
  Ec2Resources.Describe<Subnet> describe(StackContext ctx) {
    return (ids, filters) -> Ec2Resources.ec2(ctx.aws()).describeSubnets(r -> r.subnetIds(ids).filters(filters)).subnets();
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    return find(ctx, d.name(), d.physicalName()).map(Observed::new);
  }

  /** Public addresses on launch follow as a step. */
  @Override
  public Observed create(StackContext ctx, Desired d) {
    return new Observed(Ec2Resources.ec2(ctx.aws()).createSubnet(r -> r.vpcId(d.vpcId()).cidrBlock(d.cidr()).availabilityZone(d.zone())
        .tagSpecifications(Ec2Resources.tagging(ctx, ResourceType.SUBNET, d.physicalName()))).subnet());
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    Subnet s = o.subnet();
    if (!d.vpcId().equals(s.vpcId()) || !d.cidr().equals(s.cidrBlock()) || !d.zone().equals(s.availabilityZone())) {
      throw SlipwayException.terminal(Reasons.INVALID_SPEC, "subnet " + s.subnetId() + " is " + s.cidrBlock() + " in " + s.availabilityZone() + " of "
          + s.vpcId() + ", the spec wants " + d.cidr() + " in " + d.zone() + " of " + d.vpcId() + "; a subnet cannot move");
    }
    boolean mapped = Boolean.TRUE.equals(s.mapPublicIpOnLaunch());
    if (mapped == d.isPublic()) {
      return List.of();
    }
    AttributeBooleanValue value = AttributeBooleanValue.builder().value(d.isPublic()).build();
    return List.of(new Step("mapPublicIpOnLaunch", d.isPublic(), mapped,
        () -> Ec2Resources.ec2(ctx.aws()).modifySubnetAttribute(r -> r.subnetId(s.subnetId()).mapPublicIpOnLaunch(value))));
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(o.subnet().subnetId()).output(idOutput(d.name()), o.subnet().subnetId()).build();
  }

  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    Ec2Resources.ec2(ctx.aws()).deleteSubnet(r -> r.subnetId(resource.id));
  }

  /** An IPv4 CIDR block. */
  record Cidr(long address, int prefix) {
    static Cidr parse(String cidr) {
      String[] parts = cidr.split("/");
      long address = 0;
      for (String octet : parts[0].split("\\.")) {
        address = (address << 8) | Integer.parseInt(octet);
      }
      return new Cidr(address, Integer.parseInt(parts[1]));
    }

    boolean aligned() {
      return (address & hostMask(prefix)) == 0;
    }

    String network() {
      return text(address & ~hostMask(prefix), prefix);
    }

    /** The n-th (from 0) block of length {@code length} inside this one. */
    String block(int length, int n) {
      return text((address & ~hostMask(prefix)) + ((long) n << (32 - length)), length);
    }

    private static long hostMask(int prefix) {
      return (1L << (32 - prefix)) - 1;
    }

    private static String text(long address, int prefix) {
      return ((address >> 24) & 255) + "." + ((address >> 16) & 255) + "." + ((address >> 8) & 255) + "." + (address & 255) + "/" + prefix;
    }
  }
}
