package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The service's network: its own VPC from a CIDR (subnets across availability zones, an internet
 * gateway, NAT and route tables), or an existing VPC and private subnets named by id, which Slipway
 * only reads; in either, security groups declared by what may reach what, and VPC endpoints.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.cidr) != has(self.vpcId)",
    message = "network names either a cidr (a VPC Slipway creates) or a vpcId (an existing VPC it only uses), exactly one",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "has(self.vpcId) == has(self.privateSubnetIds)",
    message = "network.privateSubnetIds names the subnets of an existing VPC: it goes with vpcId, and vpcId needs it",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.vpcId) || !(has(self.availabilityZones) || has(self.publicSubnets) || has(self.natGateways) || has(self.subnetPrefixLength))",
    message = "availabilityZones, publicSubnets, natGateways and subnetPrefixLength shape a VPC Slipway creates: an existing one (vpcId) is used as it is",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "has(self.cidr) == has(oldSelf.cidr) && (!has(self.cidr) || self.cidr == oldSelf.cidr)",
    message = "network.cidr is immutable: a VPC's primary CIDR cannot change",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "has(self.vpcId) == has(oldSelf.vpcId) && (!has(self.vpcId) || self.vpcId == oldSelf.vpcId)",
    message = "network.vpcId is immutable: the groups and endpoints in the VPC cannot move to another",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "!has(self.securityGroups) || self.securityGroups.all(g, self.securityGroups.exists_one(h, h.name == g.name))",
    message = "security group names must be unique",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.natGateways) || self.natGateways == 'None' || !has(self.publicSubnets) || self.publicSubnets",
    message = "NAT gateways live in public subnets: natGateways needs publicSubnets",
    reason = "FieldValueInvalid")
public class NetworkSpec {

  @Size(max = 18)
  @Pattern("^([0-9]{1,3}\\.){3}[0-9]{1,3}/(1[6-9]|2[0-4])$")
  @JsonPropertyDescription("IPv4 CIDR of the VPC Slipway creates, /16 to /24, for example 10.1.0.0/16. Exactly one of cidr and vpcId. Immutable.")
  public String cidr;

  @Size(max = 21)
  @Pattern("^vpc-[0-9a-f]{8,17}$")
  @JsonPropertyDescription("The id of an existing VPC to use instead of creating one, with privateSubnetIds. Slipway only reads it and its"
      + " subnets and route tables: it never creates, changes, tags or deletes them, and leaves them as they are when the service is"
      + " deleted. What it owns inside (security groups, endpoints, DB and cache subnet groups) it creates and deletes as always."
      + " Exactly one of cidr and vpcId. Immutable.")
  public String vpcId;

  @Size(min = 1, max = 6)
  @JsonPropertyDescription("With vpcId: the existing private subnets (subnet-...) the functions, databases, caches and interface endpoints"
      + " are placed in, in that VPC, one per zone; databases need two zones. Gateway endpoints go on the route tables serving them"
      + " (associated, else the VPC's main one). They are private-1, private-2... in the given order.")
  public List<String> privateSubnetIds;

  @Min(1)
  @Max(6)
  @JsonPropertyDescription("How many availability zones the subnets span: one private subnet per zone, and one public subnet per zone when"
      + " publicSubnets is true. The region's zones are taken in name order. Default 2.")
  public Integer availabilityZones = 2;

  @JsonPropertyDescription("Public subnets (a route to an internet gateway) next to the private ones. Default true.")
  public Boolean publicSubnets = true;

  @JsonPropertyDescription("NAT gateways giving the private subnets a way out: PerAZ (one per zone, each zone's private subnet routes"
      + " through its own), Single (one, in the first zone) or None. Each has an Elastic IP. Needs publicSubnets. Default None.")
  public NatGateways natGateways = NatGateways.None;

  @Size(max = 2)
  @JsonPropertyDescription("Gateway VPC endpoints on the private route tables, so functions reach the service without NAT: dynamodb, s3.")
  public List<Endpoint> endpoints = new ArrayList<>();

  @Size(max = 16)
  @JsonPropertyDescription("Interface VPC endpoints (PrivateLink) in the private subnets, by the AWS service's endpoint name (secretsmanager,"
      + " sqs, sts, ssm, kms, logs, events, execute-api...), with private DNS on, so functions without NAT reach those APIs by their usual"
      + " names. Each is in the network's endpoints group, which admits HTTPS (443) from the functions group only. Every interface"
      + " endpoint is billed per hour and zone.")
  public List<String> interfaceEndpoints = new ArrayList<>();

  @Min(16)
  @Max(28)
  @JsonPropertyDescription("Prefix length of every subnet. Subnet CIDRs are cut from the VPC CIDR in order: the private subnets' blocks first,"
      + " one per zone, then the public ones'. Default 24.")
  public Integer subnetPrefixLength = 24;

  @Size(max = 16)
  @JsonPropertyDescription("Security groups besides functions, the group every function with vpc.network true is in (all outbound"
      + " traffic allowed, no inbound).")
  public List<SecurityGroup> securityGroups = new ArrayList<>();

  /** A security group of the network, with the inbound traffic it admits. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "self.name != 'functions' && self.name != 'endpoints'", message = "functions and endpoints are the network's own groups and cannot be declared", reason = "FieldValueForbidden")
  public static class SecurityGroup {
    @Required
    @Size(max = 32)
    @Pattern("^[a-z0-9][a-z0-9-]{0,31}$")
    @JsonPropertyDescription("Logical name; the AWS group is <namePrefix>-<name>. Rules of other groups refer to it by this name.")
    public String name;

    @Size(max = 32)
    @JsonPropertyDescription("Inbound traffic the group admits; nothing else gets in. Outbound traffic is left as AWS creates it (all allowed).")
    public List<Ingress> ingressFrom = new ArrayList<>();
  }

  /** One inbound rule: traffic from a group or a CIDR to a port. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "has(self.group) != has(self.cidr)", message = "an ingress rule names either a group or a cidr", reason = "FieldValueInvalid")
  public static class Ingress {
    @Size(max = 32)
    @JsonPropertyDescription("The group traffic comes from: functions, or a name in network.securityGroups.")
    public String group;

    @Size(max = 18)
    @Pattern("^([0-9]{1,3}\\.){3}[0-9]{1,3}/([0-9]|[12][0-9]|3[0-2])$")
    @JsonPropertyDescription("The IPv4 CIDR traffic comes from, for rules no group can say.")
    public String cidr;

    @Required
    @Min(0)
    @Max(65535)
    @JsonPropertyDescription("The port traffic goes to.")
    public Integer port;

    @JsonPropertyDescription("tcp or udp. Default tcp.")
    public Protocol protocol = Protocol.tcp;

    public Ingress() {}

    public Ingress(String group, String cidr, int port) {
      this.group = group;
      this.cidr = cidr;
      this.port = port;
    }
  }

  /** How many NAT gateways the network has. */
  public enum NatGateways {
    PerAZ,
    Single,
    None
  }

  /** The AWS services a gateway endpoint can serve. */
  public enum Endpoint {
    dynamodb,
    s3
  }

  /** The IP protocols an ingress rule may admit. */
  public enum Protocol {
    tcp,
    udp
  }
}
