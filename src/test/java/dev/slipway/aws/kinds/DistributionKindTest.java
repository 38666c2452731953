package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.FrontendSpec;
import dev.slipway.aws.Tags;
import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;
import software.amazon.awssdk.services.cloudfront.model.DistributionConfig;
import software.amazon.awssdk.services.cloudfront.model.GetDistributionResponse;
import software.amazon.awssdk.services.cloudfront.model.Tag;
import software.amazon.awssdk.services.cloudfront.model.ViewerProtocolPolicy;

class DistributionKindTest extends KindContractTest {

  private CloudFrontClient cf;

  @Override
  protected KindHarness harness() {
    // Through the fault proxy, which plays a disabling still in progress (moto deploys at the next read).
    KindHarness harness = new KindHarness(AwsFaults.shared().endpoint(), SiteBucketKindTest.withFrontend(),
        new SiteBucketKind(), new OriginAccessControlKind(), new DistributionKind());
    cf = harness.raw().client(CloudFrontClient.class, CloudFrontClient::builder);
    return harness;
  }

  private GetDistributionResponse distribution() {
    return cf.getDistribution(r -> r.id(stack.context().output(DistributionKind.ID_OUTPUT)));
  }

  @Override
  protected void assertDeclaredShape() {
    DistributionConfig c = distribution().distribution().distributionConfig();
    assertThat(c.origins().items()).singleElement().satisfies(o -> assertThat(o.domainName()).isEqualTo(SiteBucketKindTest.BUCKET + ".s3.us-east-1.amazonaws.com"));
    assertThat(c.defaultCacheBehavior().viewerProtocolPolicy()).isEqualTo(ViewerProtocolPolicy.REDIRECT_TO_HTTPS);
    assertThat(c.defaultCacheBehavior().compress()).isTrue();
    assertThat(c.defaultCacheBehavior().cachePolicyId()).isEqualTo(DistributionKind.CACHING_OPTIMIZED);
    assertThat(c.defaultRootObject()).isEqualTo("index.html");
    assertThat(c.customErrorResponses().items()).extracting(e -> e.errorCode() + " " + e.responsePagePath() + " " + e.responseCode())
        .containsExactly("403 /index.html 200", "404 /index.html 200");
    assertThat(c.priceClassAsString()).isEqualTo("PriceClass_100");
    assertThat(c.enabled()).isTrue();
    Map<String, String> outputs = stack.context().outputs();
    String domain = distribution().distribution().domainName();
    assertThat(outputs).containsEntry("frontend.distributionDomain", domain).containsEntry("frontend.url", "https://" + domain);
    assertThat(tags()).containsEntry(Tags.SERVICE, "chat.nexus").containsEntry("Name", "nexus-prod-site");
  }

  private Map<String, String> tags() {
    return cf.listTagsForResource(r -> r.resource(distribution().distribution().arn())).tags().items().stream()
        .collect(java.util.stream.Collectors.toMap(Tag::key, Tag::value));
  }

  @Override
  protected List<Edit> edits() {
    return List.of(
        new Edit("site", List.of("priceClass"), s -> s.frontend.priceClass = FrontendSpec.PriceClass.PriceClass_All, List.of("UpdateDistribution"),
            () -> assertThat(distribution().distribution().distributionConfig().priceClassAsString()).isEqualTo("PriceClass_All")),
        new Edit("site", List.of("customErrorResponses"), s -> s.frontend.spaFallback = false, List.of("UpdateDistribution"),
            () -> assertThat(distribution().distribution().distributionConfig().customErrorResponses().quantity()).isZero()),
        new Edit("site", List.of("defaultRootObject"), s -> s.frontend.defaultRootObject = "app.html", List.of("UpdateDistribution"),
            () -> assertThat(distribution().distribution().distributionConfig().defaultRootObject()).isEqualTo("app.html")));
  }

  @Override
  protected List<Drift> drifts() {
    // Someone lets plain HTTP through.
    return List.of(new Drift("site", List.of("defaultCacheBehavior"), () -> {
      GetDistributionResponse d = distribution();
      DistributionConfig c = d.distribution().distributionConfig();
      cf.updateDistribution(r -> r.id(d.distribution().id()).ifMatch(d.eTag()).distributionConfig(c.toBuilder()
          .defaultCacheBehavior(c.defaultCacheBehavior().toBuilder().viewerProtocolPolicy(ViewerProtocolPolicy.ALLOW_ALL).build()).build()));
    }, List.of("UpdateDistribution"),
        () -> assertThat(distribution().distribution().distributionConfig().defaultCacheBehavior().viewerProtocolPolicy()).isEqualTo(ViewerProtocolPolicy.REDIRECT_TO_HTTPS)));
  }

  @Override
  protected void makeNamesake() {
    DistributionConfig c = distribution().distribution().distributionConfig();
    cf.createDistributionWithTags(r -> r.distributionConfigWithTags(w -> w.distributionConfig(c.toBuilder().callerReference("by-hand").build())
        .tags(t -> t.items(Tag.builder().key("Name").value("nexus-prod-site").build()))));
  }

  @Override
  @Test
  void contractEachInvalidInputIsAClearRefusal() {
    // Every distribution field is an enum, a boolean or a pattern the CRD checks.
  }

  /** CloudFront deletes only a disabled, deployed distribution: while the disabling is in progress the deletion waits, holding back what it uses. */
  @Test
  void aDistributionIsDisabledAndDeletedOnceDeployed() {
    stack.settle();
    String id = stack.context().output(DistributionKind.ID_OUTPUT);
    AwsFaults faults = AwsFaults.shared();
    String path = "/2020-05-31/distribution/" + id;
    // The read after the disabling still sees it in progress (moto deploys at once).
    faults.rewrite(faults.after(AwsFaults.rest("PUT", path + "/config"), AwsFaults.rest("GET", path)),
        body -> body.replace("<Status>Deployed</Status>", "<Status>InProgress</Status>"), 1);
    try {
      var first = stack.delete();

      assertThat(first).extracting(o -> o.resource().kind + " " + o.action())
          .containsExactly("CloudFrontDistribution NotReady", "CloudFrontOriginAccessControl Blocked", "S3Bucket Blocked");
      assertThat(first.get(0).resource().message).isEqualTo("CloudFront distribution " + id + " disabled, InProgress");
      assertThat(cf.getDistribution(r -> r.id(id)).distribution().distributionConfig().enabled()).isFalse();
      assertThat(stack.delete()).as("delete failures once deployed").isEmpty();
      assertThat(cf.listDistributions().distributionList().items()).isEmpty();
    } finally {
      faults.clearFaults();
    }
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.rest("POST", "/2020-05-31/distribution");
  }
}
