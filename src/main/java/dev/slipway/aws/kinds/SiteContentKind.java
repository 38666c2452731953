package dev.slipway.aws.kinds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.slipway.api.v1alpha1.AuthSpec;
import dev.slipway.api.v1alpha1.FrontendSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.UntaggedKind;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.Hashes;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudfront.model.InvalidationSummary;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The site's files in its bucket, as seed 002's {@code aws s3 sync dist/} and {@code
 * create-invalidation} did by hand: the artifact's files with their content types and cache headers,
 * the runtime configuration file, no file the artifact no longer holds, and one invalidation of
 * {@code /*} for each new content or {@code frontend.revision}.
 *
 * <p>What the distribution last served is remembered where AWS keeps it: the CallerReference of the
 * newest invalidation Slipway made names the digests of the files, of their header settings and of
 * the revision, so a resync reads the bucket listing, the artifact's HEAD and that invalidation, and
 * changes nothing.
 */
public final class SiteContentKind implements UntaggedKind<SiteContentKind.Desired, SiteContentKind.Observed> {

  public static final String KIND = "SiteContent";
  static final String INVALIDATION_PREFIX = "slipway-";
  private static final String DEFAULT_HTML_CACHE = "no-cache";
  private static final String DEFAULT_ASSET_CACHE = "public, max-age=31536000, immutable";
  /** How many of the newest invalidations to look through for Slipway's own. */
  private static final int INVALIDATIONS_LOOKED_AT = 10;
  private static final KindInfo INFO = KindInfo.named(KIND,
      Set.of(SiteBucketKind.KIND, DistributionKind.KIND, RestApiKind.KIND, WebSocketApiKind.KIND, CognitoUserPoolKind.KIND, CognitoUserPoolClientKind.KIND))
      .ownedByParent();
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * @param source the artifact, null when the spec names none (then only the configuration file is Slipway's)
   * @param config the configuration file's name and bytes, null when it is switched off
   */
  public record Desired(String physicalName, String distributionId, FrontendSpec.Source source, ConfigFile config, String htmlCache,
      String assetCache, String revision) implements DesiredResource {

    String cacheControl(String key) {
      return SiteArtifact.isHtml(key) || (config != null && key.equals(config.name())) ? htmlCache : assetCache;
    }
  }

  public record ConfigFile(String name, byte[] bytes) {}

  /**
   * @param objects every object in the bucket, key to ETag
   * @param artifact the artifact's version, null without a source
   * @param servedReference the CallerReference of Slipway's newest invalidation, null when it made none
   */
  public record Observed(String bucket, Map<String, String> objects, SiteArtifact.Version artifact, String servedReference) {}

  @Override
  public KindInfo info() {
    return INFO;
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    FrontendSpec f = ctx.spec().frontend;
    if (f == null) {
      return List.of();
    }
    String bucket = SiteBucketKind.physicalName(ctx);
    List<String> dependencies = new ArrayList<>(List.of(SiteBucketKind.key(), DistributionKind.key()));
    if (configEnabled(f)) {
      dependencies.addAll(configSources(ctx));
    }
    return List.of(new Planned<>(this, SiteBucketKind.LOGICAL, bucket, dependencies, c -> desired(c, f, bucket)));
  }

  private static boolean configEnabled(FrontendSpec f) {
    return f.config == null || !Boolean.FALSE.equals(f.config.enabled);
  }

  /** The resources whose outputs the configuration file shows. */
  private static List<String> configSources(StackContext ctx) {
    List<String> keys = new ArrayList<>();
    if (ctx.spec().restApi != null) {
      keys.add(Planned.key(RestApiKind.KIND, "api"));
    }
    if (ctx.spec().webSocketApi != null) {
      keys.add(Planned.key(WebSocketApiKind.KIND, "websocket"));
    }
    AuthSpec auth = ctx.spec().auth;
    if (auth != null) {
      keys.add(Planned.key(CognitoUserPoolKind.KIND, CognitoUserPoolKind.LOGICAL));
      auth.clients.forEach(c -> keys.add(Planned.key(CognitoUserPoolClientKind.KIND, c.name)));
    }
    return keys;
  }

  private static Desired desired(StackContext ctx, FrontendSpec f, String bucket) {
    FrontendSpec.CacheControl cache = f.cacheControl == null ? new FrontendSpec.CacheControl() : f.cacheControl;
    ConfigFile config = configEnabled(f)
        ? new ConfigFile(f.config == null || f.config.fileName == null ? "config.json" : f.config.fileName, configJson(ctx, f))
        : null;
    return new Desired(bucket, ctx.output(DistributionKind.ID_OUTPUT), f.source, config,
        Objects.requireNonNullElse(cache.html, DEFAULT_HTML_CACHE), Objects.requireNonNullElse(cache.assets, DEFAULT_ASSET_CACHE),
        Objects.requireNonNullElse(f.revision, ""));
  }

  /** The backend's public addresses and ids, in a fixed order so an unchanged backend gives the same bytes. */
  static byte[] configJson(StackContext ctx, FrontendSpec f) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("region", ctx.region());
    config.put("stage", ctx.stage());
    ctx.findOutput(Outputs.REST_API_URL).ifPresent(v -> config.put("restApiUrl", v));
    ctx.findOutput(Outputs.WEBSOCKET_URL).ifPresent(v -> config.put("webSocketUrl", v));
    AuthSpec auth = ctx.spec().auth;
    if (auth != null) {
      config.put("userPoolId", ctx.output(CognitoUserPoolKind.POOL_ID));
      ctx.findOutput(CognitoUserPoolKind.DOMAIN_URL).ifPresent(v -> config.put("authDomainUrl", v));
      Map<String, String> clients = new TreeMap<>();
      auth.clients.forEach(c -> clients.put(c.name, ctx.output(CognitoUserPoolClientKind.idOutput(c.name))));
      if (clients.size() == 1) {
        config.put("userPoolClientId", clients.values().iterator().next());
      }
      config.put("userPoolClients", clients);
    }
    ctx.findOutput(DistributionKind.URL_OUTPUT).ifPresent(v -> config.put("siteUrl", v));
    if (f.config != null) {
      f.config.extra.stream().sorted(Comparator.comparing(e -> e.name)).forEach(e -> config.put(e.name, e.value));
    }
    try {
      return JSON.writeValueAsBytes(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    S3Client s3 = ctx.aws().s3();
    Map<String, String> objects = new TreeMap<>();
    for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(d.physicalName())).contents()) {
      objects.put(o.key(), unquote(o.eTag()));
    }
    SiteArtifact.Version artifact = d.source() == null ? null : SiteArtifact.head(s3, d.source());
    String served = servedReference(ctx.inRegion(DistributionKind.REGION), d.distributionId());
    // An empty bucket the distribution never served from holds no content yet.
    return objects.isEmpty() && served == null ? Optional.empty() : Optional.of(new Observed(d.physicalName(), objects, artifact, served));
  }

  /** The CallerReference of the newest invalidation Slipway made among the distribution's newest few. */
  private static String servedReference(StackContext cloudFrontCtx, String distributionId) {
    var cf = DistributionKind.cloudFront(cloudFrontCtx);
    List<InvalidationSummary> newest = cf.listInvalidations(r -> r.distributionId(distributionId).maxItems(String.valueOf(INVALIDATIONS_LOOKED_AT)))
        .invalidationList().items().stream()
        .sorted(Comparator.comparing(InvalidationSummary::createTime).reversed())
        .limit(INVALIDATIONS_LOOKED_AT)
        .toList();
    for (InvalidationSummary s : newest) {
      String reference = cf.getInvalidation(r -> r.distributionId(distributionId).id(s.id())).invalidation().invalidationBatch().callerReference();
      if (reference.startsWith(INVALIDATION_PREFIX)) {
        return reference;
      }
    }
    return null;
  }

  private static String unquote(String etag) {
    return etag == null ? "" : etag.replace("\"", "");
  }

  /** The first upload and invalidation: every step of an empty bucket. */
  @Override
  public Observed create(StackContext ctx, Desired d) {
    SiteArtifact.Version artifact = d.source() == null ? null : SiteArtifact.head(ctx.aws().s3(), d.source());
    compare(ctx, d, new Observed(d.physicalName(), Map.of(), artifact, null)).forEach(step -> step.action().run());
    return null;
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    S3Client s3 = ctx.aws().s3();
    SortedMap<String, String> files = new TreeMap<>();
    if (d.source() != null) {
      files.putAll(SiteArtifact.digests(s3, d.source(), o.artifact()));
    }
    if (d.config() != null) {
      files.put(d.config().name(), SiteArtifact.md5(d.config().bytes()));
    }
    // <prefix><files>-<headers>-<revision>: what was served, and with which headers it was written.
    String headers = Hashes.sha256(d.htmlCache() + "|" + d.assetCache()).substring(0, 8);
    String reference = INVALIDATION_PREFIX + Hashes.sha256(files.toString()).substring(0, 16) + "-" + headers + "-" + Hashes.sha256(d.revision()).substring(0, 8);
    boolean headersServed = o.servedReference() != null && o.servedReference().matches(Pattern.quote(INVALIDATION_PREFIX) + "[0-9a-f]{16}-" + headers + "-.*");

    SortedSet<String> upload = new TreeSet<>();
    files.forEach((key, md5) -> {
      if (!md5.equals(o.objects().get(key))) {
        upload.add(key);
      }
    });
    // Headers are not in the listing: files kept from content served with other header settings are rewritten.
    SortedSet<String> rewrite = new TreeSet<>(headersServed ? Set.of() : files.keySet());
    rewrite.removeAll(upload);
    SortedSet<String> stale = new TreeSet<>();
    if (d.source() != null) {
      stale.addAll(o.objects().keySet());
      stale.removeAll(files.keySet());
    }
    List<Step> steps = new ArrayList<>();
    if (!upload.isEmpty() || !rewrite.isEmpty() || !stale.isEmpty()) {
      steps.add(new Step("objects", files.size() + " files", summary(upload.size(), rewrite.size(), stale.size()),
          () -> sync(s3, d, o, upload, rewrite, stale)));
    }
    if (!reference.equals(o.servedReference())) {
      steps.add(new Step("invalidation", "/* for " + reference, Objects.requireNonNullElse(o.servedReference(), "none"),
          () -> DistributionKind.cloudFront(ctx.inRegion(DistributionKind.REGION)).createInvalidation(r -> r.distributionId(d.distributionId())
              .invalidationBatch(b -> b.callerReference(reference).paths(p -> p.quantity(1).items("/*"))))));
    }
    return steps;
  }

  private static String summary(int upload, int rewrite, int stale) {
    List<String> parts = new ArrayList<>();
    if (upload > 0) {
      parts.add(upload + " to upload");
    }
    if (rewrite > 0) {
      parts.add(rewrite + " to re-head");
    }
    if (stale > 0) {
      parts.add(stale + " to delete");
    }
    return String.join(", ", parts);
  }

  /** Uploads what changed, rewrites the headers of what did not, then deletes what the artifact no longer holds. */
  private static void sync(S3Client s3, Desired d, Observed o, Set<String> upload, Set<String> rewrite, Set<String> stale) {
    String bucket = d.physicalName();
    if (d.source() != null && upload.stream().anyMatch(k -> d.config() == null || !k.equals(d.config().name()))) {
      SiteArtifact.read(s3, d.source(), o.artifact(), (key, bytes) -> {
        if (upload.contains(key) && (d.config() == null || !key.equals(d.config().name()))) {
          put(s3, d, key, bytes);
        }
      });
    }
    if (d.config() != null && upload.contains(d.config().name())) {
      put(s3, d, d.config().name(), d.config().bytes());
    }
    for (String key : rewrite) {
      s3.copyObject(r -> r.sourceBucket(bucket).sourceKey(key).destinationBucket(bucket).destinationKey(key)
          .metadataDirective(MetadataDirective.REPLACE).contentType(SiteArtifact.contentType(key)).cacheControl(d.cacheControl(key)));
    }
    SiteBucketKind.deleteKeys(s3, bucket, List.copyOf(stale));
  }

  private static void put(S3Client s3, Desired d, String key, byte[] bytes) {
    s3.putObject(r -> r.bucket(d.physicalName()).key(key).contentType(SiteArtifact.contentType(key)).cacheControl(d.cacheControl(key)),
        RequestBody.fromBytes(bytes));
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(d.physicalName()).build();
  }

  /** The bucket's tags say whose the content is. */
  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    ctx.aws().s3().headBucket(r -> r.bucket(resource.id));
    return Optional.of(SiteBucketKind.tagsOf(ctx.aws().s3(), resource.id));
  }

  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    SiteBucketKind.emptyBucket(ctx.aws().s3(), resource.id);
  }
}
