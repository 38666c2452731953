package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.FrontendSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.status.Reasons;
import dev.slipway.testing.Artifacts;
import dev.slipway.testing.AwsFaults;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;

class SiteContentKindTest extends SitePartKindTest {

  static final Map<String, String> V1 = Map.of(
      "index.html", "<html><script src=/assets/app-1.js></script></html>",
      "assets/app-1.js", "console.log(1)",
      "assets/app.css", "body{}",
      "favicon.svg", "<svg/>");
  static final Map<String, String> V2 = Map.of(
      "index.html", "<html><script src=/assets/app-2.js></script></html>",
      "assets/app-2.js", "console.log(2)",
      "assets/app.css", "body{}",
      "favicon.svg", "<svg/>");

  @Override
  protected KindHarness harness() {
    ServerlessServiceSpec spec = SiteBucketKindTest.withFrontend();
    KindHarness harness = harness(spec, new SiteBucketKind(), new OriginAccessControlKind(), new DistributionKind(), new SiteContentKind());
    spec.frontend.source = source("site/1.zip", V1);
    return harness;
  }

  private FrontendSpec.Source source(String key, Map<String, String> files) {
    Artifacts.upload(s3, KindHarness.BUCKET, key, Artifacts.zip(files));
    FrontendSpec.Source source = new FrontendSpec.Source();
    source.bucket = KindHarness.BUCKET;
    source.key = key;
    return source;
  }

  private List<String> keys() {
    return s3.listObjectsV2(r -> r.bucket(BUCKET)).contents().stream().map(o -> o.key()).sorted().toList();
  }

  private HeadObjectResponse head(String key) {
    return s3.headObject(r -> r.bucket(BUCKET).key(key));
  }

  private List<String> invalidations() {
    String id = stack.context().output(DistributionKind.ID_OUTPUT);
    return cf.listInvalidations(r -> r.distributionId(id)).invalidationList().items().stream()
        .map(i -> cf.getInvalidation(r -> r.distributionId(id).id(i.id())).invalidation().invalidationBatch())
        .map(b -> b.paths().items() + " " + b.callerReference().substring(0, SiteContentKind.INVALIDATION_PREFIX.length()))
        .toList();
  }

  private JsonNode config() throws Exception {
    return new ObjectMapper().readTree(s3.getObjectAsBytes(r -> r.bucket(BUCKET).key("config.json")).asByteArray());
  }

  @Override
  protected void assertDeclaredShape() throws Exception {
    assertThat(keys()).containsExactly("assets/app-1.js", "assets/app.css", "config.json", "favicon.svg", "index.html");
    assertThat(head("index.html").contentType()).isEqualTo("text/html; charset=utf-8");
    assertThat(head("index.html").cacheControl()).isEqualTo("no-cache");
    assertThat(head("assets/app-1.js").contentType()).isEqualTo("text/javascript; charset=utf-8");
    assertThat(head("assets/app-1.js").cacheControl()).isEqualTo("public, max-age=31536000, immutable");
    assertThat(head("favicon.svg").contentType()).isEqualTo("image/svg+xml");
    assertThat(head("config.json").cacheControl()).isEqualTo("no-cache");
    assertThat(config().path("region").asText()).isEqualTo("us-east-1");
    assertThat(config().path("siteUrl").asText()).startsWith("https://").endsWith(".cloudfront.net");
    assertThat(invalidations()).containsExactly("[/*] slipway-");
  }

  @Override
  protected List<Edit> edits() {
    return List.of(
        new Edit("site", List.of("invalidation"), s -> s.frontend.revision = "2", List.of("CreateInvalidation"),
            () -> assertThat(invalidations()).hasSize(2)),
        new Edit("site", List.of("objects", "invalidation"), s -> {
          s.frontend.config = new FrontendSpec.RuntimeConfig();
          FrontendSpec.Entry flag = new FrontendSpec.Entry();
          flag.name = "chatEnabled";
          flag.value = "true";
          s.frontend.config.extra.add(flag);
        }, List.of("PutObject", "CreateInvalidation"), () -> assertThat(config().path("chatEnabled").asText()).isEqualTo("true")),
        new Edit("site", List.of("objects", "invalidation"), s -> {
          s.frontend.cacheControl = new FrontendSpec.CacheControl();
          s.frontend.cacheControl.assets = "public, max-age=600";
        }, List.of("CopyObject", "CopyObject", "CopyObject", "CopyObject", "CopyObject", "CreateInvalidation"),
            () -> assertThat(head("assets/app.css").cacheControl()).isEqualTo("public, max-age=600")));
  }

  @Override
  protected List<Drift> drifts() {
    // Someone deletes the page: it is put back, and the distribution, which still serves the same content, is not invalidated.
    return List.of(new Drift("site", List.of("objects"), () -> s3.deleteObject(r -> r.bucket(BUCKET).key("index.html")), List.of("PutObject"),
        () -> assertThat(keys()).contains("index.html")));
  }

  @Override
  protected List<Invalid> invalidInputs() {
    return List.of(
        Invalid.atConverge("site", s -> s.frontend.source = source("site/escape.zip", Map.of("../../etc/passwd", "x")), "InvalidArtifact",
            "leaves the site's root"),
        Invalid.atConverge("site", s -> s.frontend.source = source("site/not-a-zip.zip", Map.of()), "InvalidArtifact", "holds no files"));
  }

  @Test
  void aNewSourceUploadsOnlyTheChangedFilesRemovesStaleOnesAndInvalidatesOnce() {
    stack.settle();
    stack.spec().frontend.source = source("site/2.zip", V2);

    stack.settle();

    assertThat(keys()).containsExactly("assets/app-2.js", "assets/app.css", "config.json", "favicon.svg", "index.html");
    assertThat(stack.mutatingCalls()).containsExactlyInAnyOrder("PutObject", "PutObject", "DeleteObjects", "CreateInvalidation");
    assertThat(invalidations()).hasSize(2);
  }

  @Test
  void anAnonymousReadOfTheSiteIsRefused() throws Exception {
    // The objects alone, without the bucket policy: moto evaluates a bucket policy's Allow without its Principal
    // and Condition (anyone would match the CloudFront grant), so that policy is checked as a document in
    // SiteBucketPolicyKindTest; here, that what Slipway uploads is private by itself.
    stack.settle();
    // The control: moto serves an anonymous read of an object whose ACL makes it public, so a 403 below is Slipway's doing.
    s3.putObject(r -> r.bucket(BUCKET).key("public.html").acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromString("x"));

    assertThat(anonymousGet("public.html")).isEqualTo(200);
    assertThat(anonymousGet("index.html")).isEqualTo(403);
    assertThat(anonymousGet("config.json")).isEqualTo(403);
  }

  private static int anonymousGet(String key) throws Exception {
    URI uri = URI.create(dev.slipway.testing.MotoServer.shared().endpoint() + "/" + BUCKET + "/" + key);
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void aSiteWithoutSourceGetsItsConfigurationAndKeepsOtherFiles() {
    stack.spec().frontend.source = null;
    stack.settle();
    s3.putObject(r -> r.bucket(BUCKET).key("uploaded-by-ci.html"), RequestBody.fromString("x"));

    Result again = stack.settle();

    assertThat(keys()).containsExactly("config.json", "uploaded-by-ci.html");
    assertThat(again.firstFailure()).isEmpty();
    assertThat(stack.mutatingCalls()).isEmpty();
  }

  @Test
  void aMissingArtifactIsAClearError() {
    FrontendSpec.Source missing = new FrontendSpec.Source();
    missing.bucket = KindHarness.BUCKET;
    missing.key = "site/missing.zip";
    stack.spec().frontend.source = missing;

    Result result = stack.converge();

    assertThat(result.outcomes()).filteredOn(o -> o.resource().kind.equals(SiteContentKind.KIND)).singleElement()
        .satisfies(o -> assertThat(o.resource().message).doesNotStartWith(Reasons.INTERNAL_ERROR));
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    // The content's puts are idempotent (and rewritten until served); its invalidation is the one call that makes something new.
    return r -> r.method().equals("POST") && r.path().startsWith("/2020-05-31/distribution/") && r.path().endsWith("/invalidation");
  }
}
