package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.aws.Tags;
import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudfront.model.OriginAccessControlConfig;

class OriginAccessControlKindTest extends SitePartKindTest {

  @Override
  protected KindHarness harness() {
    return harness(SiteBucketKindTest.withFrontend(), new SiteBucketKind(), new OriginAccessControlKind());
  }

  private OriginAccessControlConfig config() {
    String id = stack.context().output(OriginAccessControlKind.ID_OUTPUT);
    return cf.getOriginAccessControl(r -> r.id(id)).originAccessControl().originAccessControlConfig();
  }

  @Override
  protected void assertDeclaredShape() {
    OriginAccessControlConfig c = config();
    assertThat(c.name()).isEqualTo(BUCKET);
    assertThat(c.originAccessControlOriginTypeAsString()).isEqualTo("s3");
    assertThat(c.signingProtocolAsString()).isEqualTo("sigv4");
    assertThat(c.signingBehaviorAsString()).isEqualTo("always");
    assertThat(c.description()).contains(Tags.SERVICE + "=chat.nexus");
  }

  @Override
  protected List<Drift> drifts() {
    // Someone stops signing requests, which the bucket policy then refuses: the site goes dark.
    return List.of(new Drift("site", List.of("signing"), () -> {
      String id = stack.context().output(OriginAccessControlKind.ID_OUTPUT);
      var current = cf.getOriginAccessControl(r -> r.id(id));
      cf.updateOriginAccessControl(r -> r.id(id).ifMatch(current.eTag()).originAccessControlConfig(config().toBuilder().signingBehavior("never").build()));
    }, List.of("UpdateOriginAccessControl"), () -> assertThat(config().signingBehaviorAsString()).isEqualTo("always")));
  }

  @Override
  protected void makeNamesake() {
    cf.createOriginAccessControl(r -> r.originAccessControlConfig(config().toBuilder().description("made by hand").build()));
  }

  @Override
  protected void ownedElsewhere() {
    String id = stack.context().output(OriginAccessControlKind.ID_OUTPUT);
    var current = cf.getOriginAccessControl(r -> r.id(id));
    cf.updateOriginAccessControl(r -> r.id(id).ifMatch(current.eTag())
        .originAccessControlConfig(config().toBuilder().description("Slipway site of " + Tags.SERVICE + "=" + OTHER_SERVICE).build()));
  }

  @Override
  @Test
  void contractEachFieldEditChangesOnlyThatField() {
    // Nothing to edit: an origin access control of the site bucket always signs S3 requests with SigV4.
  }

  @Override
  @Test
  void contractEachInvalidInputIsAClearRefusal() {
    // It has no input of its own.
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.rest("POST", "/2020-05-31/origin-access-control");
  }
}
