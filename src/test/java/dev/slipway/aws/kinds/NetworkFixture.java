package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.NetworkSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.Planned;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Tags;
import dev.slipway.status.Reasons;
import java.util.List;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/** Seed 000's dev network for the network kinds' tests: 10.1.0.0/16 over two zones, and a database group the functions reach on 5432. */
final class NetworkFixture {

  static final String CIDR = "10.1.0.0/16";

  private NetworkFixture() {}

  static ServerlessServiceSpec spec() {
    ServerlessServiceSpec spec = KindHarness.bare();
    spec.network = new NetworkSpec();
    spec.network.cidr = CIDR;
    NetworkSpec.SecurityGroup database = new NetworkSpec.SecurityGroup();
    database.name = "database";
    database.ingressFrom.add(new NetworkSpec.Ingress("functions", null, 5432));
    spec.network.securityGroups.add(database);
    return spec;
  }

  /** A Name tag as the kinds set it, for namesakes made by hand. */
  static TagSpecification named(ResourceType type, String name) {
    return TagSpecification.builder().resourceType(type).tags(Tag.builder().key("Name").value(name).build()).build();
  }

  /** The resources of one EC2 type carrying this Name tag. */
  static Filter name(String name) {
    return Filter.builder().name("tag:Name").values(name).build();
  }

  /**
   * The clause that another service's resources are not deleted, for kinds inside the VPC: EC2
   * deletes no VPC still holding another service's subnets or tables, so there the VPC is the other
   * service's too, and nothing is left failing.
   */
  static void assertForeignKept(KindHarness stack, String kind, String owner) {
    foreignVpc(stack, owner);
    List<ManagedResource> entries = stack.status(kind);

    assertThat(stack.delete()).as("delete failures").isEmpty();

    entries.forEach(r -> assertThat(stack.events).contains(Reasons.NOT_OWNED + ": Not deleting " + kind + " " + r.physicalName
        + ": it belongs to ServerlessService " + owner + " (tag " + Tags.SERVICE + ")"));
    StackContext ctx = stack.readingContext();
    for (Planned<?, ?> planned : stack.kind(kind).plan(ctx)) {
      assertThat(stack.read(planned, ctx)).as(planned.key() + " after a refused delete").isPresent();
    }
  }

  /** Tags the service's VPC for {@code owner}. */
  private static void foreignVpc(KindHarness stack, String owner) {
    String vpc = stack.context().outputs().get("network.vpcId");
    Ec2Resources.ec2(stack.raw()).createTags(r -> r.resources(vpc).tags(Tag.builder().key(Tags.SERVICE).value(owner).build()));
  }
}
