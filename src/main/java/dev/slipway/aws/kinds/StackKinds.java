package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.Planned;
import dev.slipway.aws.StackContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every resource kind a ServerlessService can declare, registered here once. The order of the list
 * is only the order of the generated role policy's statements and of independent resources in
 * status; the order of work comes from each kind's declared dependencies.
 */
public final class StackKinds {

  private static final List<AwsResourceKind<?, ?>> ALL =
      List.of(
          new VpcKind(),
          new ExistingVpcKind(),
          new SubnetKind(),
          new ExistingSubnetKind(),
          new InternetGatewayKind(),
          new ElasticIpKind(),
          new NatGatewayKind(),
          new RouteTableKind(),
          new SecurityGroupKind(),
          new VpcEndpointKind(),
          new DbSubnetGroupKind(),
          new DbClusterKind(),
          new DbInstanceKind(),
          new CacheSubnetGroupKind(),
          new CacheReplicationGroupKind(),
          new CacheServerlessKind(),
          new LogGroupKind(),
          new DynamoDbTableKind(),
          new SnsTopicKind(),
          new SsmParameterKind(),
          new IamRoleKind(),
          new LambdaFunctionKind(),
          new SnsSubscriptionKind(),
          new EventSourceMappingKind(),
          new CognitoUserPoolKind(),
          new CognitoUserPoolClientKind(),
          new HostedZoneKind(),
          new CertificateKind(),
          new CertificateValidationKind(),
          new RestApiKind(),
          new ApiKeyKind(),
          new UsagePlanKind(),
          new WebSocketApiKind(),
          new RestApiDomainKind(),
          new WebSocketDomainKind(),
          new AliasRecordKind(),
          new SiteBucketKind(),
          new OriginAccessControlKind(),
          CertificateKind.forCloudFront(),
          CertificateValidationKind.forCloudFront(),
          new DistributionKind(),
          new SiteBucketPolicyKind(),
          new SiteContentKind(),
          new CloudWatchAlarmKind(),
          new CloudWatchDashboardKind());

  private static final Map<String, AwsResourceKind<?, ?>> BY_NAME = byName(ALL);

  private StackKinds() {}

  public static List<AwsResourceKind<?, ?>> all() {
    return ALL;
  }

  /** Every kind by its name, to delete status entries whose spec is gone. */
  public static Map<String, AwsResourceKind<?, ?>> byName() {
    return BY_NAME;
  }

  /** Every resource the service's spec declares, of every kind. */
  public static List<Planned<?, ?>> plan(StackContext ctx) {
    List<Planned<?, ?>> plan = new ArrayList<>();
    ALL.forEach(k -> plan.addAll(k.plan(ctx)));
    return plan;
  }

  /** The problems every kind finds in its part of the spec, and in the functions' declared permissions. */
  public static List<String> validate(ServerlessServiceSpec spec) {
    List<String> problems = new ArrayList<>();
    ALL.forEach(k -> problems.addAll(k.validate(spec)));
    problems.addAll(FunctionPermissions.validate(spec));
    return problems;
  }

  /** What deserves a Warning event although it is valid (wildcard grants the user allowed). */
  public static List<String> warnings(ServerlessServiceSpec spec) {
    return FunctionPermissions.warnings(spec);
  }

  private static Map<String, AwsResourceKind<?, ?>> byName(List<AwsResourceKind<?, ?>> kinds) {
    Map<String, AwsResourceKind<?, ?>> m = new LinkedHashMap<>();
    kinds.forEach(k -> m.put(k.info().name(), k));
    return Map.copyOf(m);
  }
}
