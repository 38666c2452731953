package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.AwsCallRecorder.Call;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.ResourceLoop.Action;
import dev.slipway.aws.ResourceLoop.Outcome;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.testing.Artifacts;
import dev.slipway.testing.AwsFaults;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Pins the AWS calls of the contract example (examples/nexus) by operation: its first converge and a
 * no-change resync, every kind planned as the reconciler plans them, against moto. A change that adds
 * a call (a re-read, a per-resource read where one listing did) fails here with the operations that
 * moved; a change that saves calls updates the figures below and bench/README.md. Counts, not times.
 */
class NexusCallCountTest {

  /**
   * The first converge, every pass until nothing is still becoming ready, by {@code API operation}.
   * Five counts are ranges, as two resources race: the service's two certificates have one name and,
   * in this region (CloudFront's), one ACM listing, so each read may or may not see the other already
   * requested (Acm); and ACM asks both for the same validation record, which each validation writes
   * unless the other wrote it first (Route53; a write drops the shared listing of the zone, so the
   * listings follow the writes).
   */
  private static final String FIRST_CONVERGE = """
      Acm DescribeCertificate 7-9
      Acm ListCertificates 4
      Acm ListTagsForCertificate 3-5
      Acm RequestCertificate 2
      ApiGateway CreateBasePathMapping 1
      ApiGateway CreateDeployment 1
      ApiGateway CreateDomainName 1
      ApiGateway CreateResource 3
      ApiGateway CreateRestApi 1
      ApiGateway GetBasePathMappings 1
      ApiGateway GetDeployment 1
      ApiGateway GetDomainName 2
      ApiGateway GetResources 2
      ApiGateway GetRestApi 2
      ApiGateway GetRestApis 1
      ApiGateway GetStage 2
      ApiGateway PutIntegration 12
      ApiGateway PutIntegrationResponse 3
      ApiGateway PutMethod 12
      ApiGateway PutMethodResponse 3
      ApiGatewayV2 CreateApi 1
      ApiGatewayV2 CreateApiMapping 1
      ApiGatewayV2 CreateDomainName 1
      ApiGatewayV2 CreateIntegration 3
      ApiGatewayV2 CreateRoute 3
      ApiGatewayV2 CreateStage 1
      ApiGatewayV2 GetApi 2
      ApiGatewayV2 GetApiMappings 2
      ApiGatewayV2 GetApis 1
      ApiGatewayV2 GetDomainName 3
      ApiGatewayV2 GetIntegrations 2
      ApiGatewayV2 GetRoutes 2
      ApiGatewayV2 GetStage 2
      CloudFront CreateDistributionWithTags 1
      CloudFront CreateInvalidation 1
      CloudFront CreateOriginAccessControl 1
      CloudFront GetDistribution 1
      CloudFront GetInvalidation 1
      CloudFront ListDistributions 2
      CloudFront ListInvalidations 2
      CloudFront ListOriginAccessControls 1
      CloudFront ListTagsForResource 2
      CloudWatch DescribeAlarms 1
      CloudWatch GetDashboard 2
      CloudWatch PutDashboard 1
      CloudWatch PutMetricAlarm 29
      CloudWatchLogs CreateLogGroup 6
      CloudWatchLogs DescribeLogGroups 1
      CloudWatchLogs PutRetentionPolicy 6
      CognitoIdentityProvider CreateUserPool 1
      CognitoIdentityProvider CreateUserPoolClient 1
      CognitoIdentityProvider CreateUserPoolDomain 1
      CognitoIdentityProvider DescribeUserPool 1
      CognitoIdentityProvider DescribeUserPoolClient 1
      CognitoIdentityProvider DescribeUserPoolDomain 1
      CognitoIdentityProvider GetUserPoolMfaConfig 1
      CognitoIdentityProvider ListUserPoolClients 2
      CognitoIdentityProvider ListUserPools 2
      CognitoIdentityProvider SetUserPoolMfaConfig 1
      CognitoIdentityProvider UpdateUserPoolClient 1
      DynamoDb CreateTable 4
      DynamoDb DescribeTable 4
      DynamoDb UpdateTimeToLive 2
      Iam CreateRole 6
      Iam GetRole 6
      Iam PutRolePolicy 6
      Lambda AddPermission 12
      Lambda CreateAlias 6
      Lambda CreateFunction 6
      Lambda GetAlias 6
      Lambda GetFunction 12
      Lambda GetPolicy 6
      Lambda GetProvisionedConcurrencyConfig 6
      Lambda ListVersionsByFunction 12
      Lambda PublishVersion 6
      Route53 ChangeResourceRecordSets 5-6
      Route53 ChangeTagsForResource 1
      Route53 CreateHostedZone 1
      Route53 GetHostedZone 1
      Route53 ListHostedZonesByName 2
      Route53 ListResourceRecordSets 6-7
      Route53 ListTagsForResource 1
      S3 CreateBucket 1
      S3 GetBucketEncryption 2
      S3 GetBucketOwnershipControls 2
      S3 GetBucketPolicy 1
      S3 GetBucketTagging 2
      S3 GetObject 2
      S3 GetPublicAccessBlock 2
      S3 HeadBucket 3
      S3 HeadObject 3
      S3 ListObjectsV2 2
      S3 PutBucketEncryption 1
      S3 PutBucketPolicy 1
      S3 PutBucketTagging 1
      S3 PutObject 4
      S3 PutPublicAccessBlock 1
      Sns CreateTopic 1
      Sns GetTopicAttributes 3
      Sns ListSubscriptionsByTopic 1
      Sns ListTagsForResource 2
      Sns SetTopicAttributes 1
      Sns Subscribe 1
      Ssm DescribeParameters 1
      Ssm GetParameter 2
      Ssm ListTagsForResource 1
      Ssm PutParameter 1
      Sts GetCallerIdentity 1
      """;

  /** A no-change resync: reads only. */
  private static final String RESYNC = """
      Acm DescribeCertificate 6
      Acm ListTagsForCertificate 2
      ApiGateway GetBasePathMappings 1
      ApiGateway GetDeployment 1
      ApiGateway GetDomainName 1
      ApiGateway GetResources 1
      ApiGateway GetRestApi 1
      ApiGateway GetStage 1
      ApiGatewayV2 GetApi 1
      ApiGatewayV2 GetApiMappings 1
      ApiGatewayV2 GetDomainName 1
      ApiGatewayV2 GetIntegrations 1
      ApiGatewayV2 GetRoutes 1
      ApiGatewayV2 GetStage 1
      CloudFront GetDistribution 1
      CloudFront GetInvalidation 1
      CloudFront GetOriginAccessControl 1
      CloudFront ListInvalidations 1
      CloudFront ListTagsForResource 1
      CloudWatch DescribeAlarms 1
      CloudWatch GetDashboard 1
      CloudWatchLogs DescribeLogGroups 1
      CognitoIdentityProvider DescribeUserPool 1
      CognitoIdentityProvider DescribeUserPoolClient 1
      CognitoIdentityProvider GetUserPoolMfaConfig 1
      DynamoDb DescribeContinuousBackups 4
      DynamoDb DescribeTable 4
      DynamoDb DescribeTimeToLive 4
      Iam GetRole 6
      Iam GetRolePolicy 6
      Iam ListAttachedRolePolicies 6
      Iam ListRolePolicies 6
      Lambda GetAlias 6
      Lambda GetFunction 6
      Lambda GetPolicy 6
      Lambda GetProvisionedConcurrencyConfig 6
      ResourceGroupsTaggingApi GetResources 4
      Route53 GetHostedZone 1
      Route53 ListResourceRecordSets 1
      Route53 ListTagsForResource 1
      S3 GetBucketEncryption 1
      S3 GetBucketOwnershipControls 1
      S3 GetBucketPolicy 1
      S3 GetBucketTagging 1
      S3 GetPublicAccessBlock 1
      S3 HeadBucket 1
      S3 HeadObject 1
      S3 ListObjectsV2 1
      Sns GetTopicAttributes 1
      Sns ListSubscriptionsByTopic 1
      Sns ListTagsForResource 1
      Ssm DescribeParameters 1
      Ssm GetParameter 1
      Ssm ListTagsForResource 1
      """;

  /**
   * What a no-change resync between checks of the spec's defaults does not read, of {@link #RESYNC}:
   * the other policies of each role, and TTL, backups and provisioned concurrency where the spec
   * leaves them off.
   */
  private static final String UNREAD_DEFAULTS = """
      DynamoDb DescribeContinuousBackups 4
      DynamoDb DescribeTimeToLive 2
      Iam ListAttachedRolePolicies 6
      Iam ListRolePolicies 6
      Lambda GetProvisionedConcurrencyConfig 6
      """;

  @Test
  void theNexusStacksFirstConvergeAndANoChangeResyncMakeThePinnedCalls() throws IOException {
    ServerlessServiceSpec spec = Serialization.unmarshal(Files.readString(Path.of("examples/nexus/20-serverlessservice.yaml")), ServerlessService.class).getSpec();
    // Through the fault proxy, which plays the WebSocket domain's regional target moto leaves out (a double).
    AwsFaults.shared().playWebSocketDomainTargets();
    try (KindHarness stack = new KindHarness(AwsFaults.shared().endpoint(), spec, StackKinds.all().toArray(AwsResourceKind[]::new))) {
      spec.functions.stream().map(f -> f.code.s3).distinct().forEach(s3 -> Artifacts.upload(stack.raw().s3(), s3.bucket, s3.key, "ok"));
      Artifacts.upload(stack.raw().s3(), spec.frontend.source.bucket, spec.frontend.source.key, Artifacts.site("1.4.0"));
      stack.secrets.put("nexus-secrets/model-api-key", "marker-model-key");

      Result first = stack.settle();
      assertThat(first.complete()).as("converged: %s", first.outcomes()).isTrue();
      Map<String, Long> firstConverge = byOperation(stack.recorder.calls());
      long firstMutating = stack.mutatingCalls().size();
      // The pass after the first converge may still record what the first one learned (function facts).
      stack.converge();

      Result resync = stack.converge();
      assertThat(resync.outcomes()).allSatisfy(o -> assertThat(o.action()).as(describe(o)).isEqualTo(Action.Unchanged));
      assertThat(stack.mutatingCalls()).isEmpty();
      Map<String, Long> resyncCalls = byOperation(stack.recorder.calls());

      System.out.printf("first converge: %d calls (%d mutating)%n%s%nresync: %d calls%n%s%n", total(firstConverge),
          firstMutating, table(firstConverge), total(resyncCalls), table(resyncCalls));
      assertPinned("first converge", firstConverge, FIRST_CONVERGE);
      assertPinned("no-change resync", resyncCalls, RESYNC);

      Result trusting = stack.resyncTrustingDefaults();
      assertThat(trusting.outcomes()).allSatisfy(o -> assertThat(o.action()).as(describe(o)).isEqualTo(Action.Unchanged));
      assertThat(stack.mutatingCalls()).isEmpty();
      Map<String, Long> unread = new TreeMap<>(resyncCalls);
      byOperation(stack.recorder.calls()).forEach((op, n) -> unread.merge(op, -n, Long::sum));
      unread.values().removeIf(n -> n == 0);
      System.out.printf("resync trusting defaults: %d calls; not read:%n%s%n", total(resyncCalls) - total(unread), table(unread));
      assertPinned("reads a resync trusting defaults leaves out", unread, UNREAD_DEFAULTS);
    }
  }

  private static String describe(Outcome o) {
    return o.resource().key() + " " + o.delta().describe();
  }

  private static Map<String, Long> byOperation(List<Call> calls) {
    return calls.stream().collect(Collectors.groupingBy(c -> c.service() + " " + c.operation(), TreeMap::new, Collectors.counting()));
  }

  private static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  private static String table(Map<String, Long> counts) {
    return counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining("\n"));
  }

  /** Every operation and no other, each as often as pinned (or within its pinned range). */
  private static void assertPinned(String what, Map<String, Long> counts, String table) {
    Map<String, long[]> pins = parse(table);
    assertThat(counts.keySet()).as(what + ": operations").containsExactlyInAnyOrderElementsOf(pins.keySet());
    pins.forEach((op, range) -> assertThat(counts.get(op)).as(what + ": " + op).isBetween(range[0], range[1]));
  }

  /** Lines of {@code API operation count} or {@code API operation min-max}. */
  private static Map<String, long[]> parse(String table) {
    Map<String, long[]> pins = new TreeMap<>();
    table.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(l -> {
      int last = l.lastIndexOf(' ');
      String[] bounds = l.substring(last + 1).split("-");
      pins.put(l.substring(0, last), new long[] {Long.parseLong(bounds[0]), Long.parseLong(bounds[bounds.length - 1])});
    });
    return pins;
  }
}
