package dev.slipway.aws.kinds;

import dev.slipway.aws.Hashes;
import dev.slipway.api.v1alpha1.CodeSource;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.SlipwayException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasRoutingConfiguration;
import software.amazon.awssdk.services.lambda.model.Architecture;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionCodeRequest;
import software.amazon.awssdk.services.lambda.waiters.LambdaWaiter;

/**
 * The code, versions and aliases of a Lambda function: shared by the function kind (which publishes a
 * version per change) and the release engine (which finds the version carrying some code and moves an
 * alias's traffic onto it).
 *
 * <p>Every version Slipway publishes carries in its Description the code identity
 * ({@link CodeSource#describe()}) and a hash of the configuration it was published with, so a later
 * reader finds the version of some code without uploading or publishing again.
 */
public final class LambdaVersions {

  private static final String DESCRIPTION_PREFIX = "slipway code=";
  // Lambda limits a version description to 256 characters.
  private static final int MAX_DESCRIPTION = 256;

  private final LambdaClient lambda;

  public LambdaVersions(LambdaClient lambda) {
    this.lambda = lambda;
  }

  /**
   * An alias's routing: the version that takes most traffic and, during a canary, the one additional
   * version and its share. AWS allows at most one additional version on an alias.
   *
   * @param canaryVersion null when the alias routes everything to {@code version}
   * @param canaryWeight share of traffic the canary gets, 0 to 1, as AWS reports it
   * @param revisionId the alias's RevisionId as AWS reported it with this routing; passed back to
   *     UpdateAlias, it makes the update fail if anyone changed the alias since
   */
  public record AliasRouting(String aliasArn, String version, String canaryVersion, double canaryWeight, String revisionId) {

    /** The canary's share in whole percent, as CanaryPolicy steps express weights. */
    public int canaryPercent() {
      return (int) Math.round(canaryWeight * 100);
    }

    public boolean weighted() {
      return canaryVersion != null;
    }
  }

  /** The Description Slipway gives a version of {@code code} published with configuration hash {@code configHash}. */
  public static String versionDescription(CodeSource code, String configHash) {
    String suffix = " config=" + configHash;
    String identity = code.describe();
    if (DESCRIPTION_PREFIX.length() + identity.length() + suffix.length() > MAX_DESCRIPTION) {
      // A long S3 key or image URI does not fit: its digest identifies it just as well.
      identity = "sha256:" + Hashes.sha256(identity);
    }
    return DESCRIPTION_PREFIX + identity + suffix;
  }

  /**
   * A short hash of what a version freezes besides its code ({@link FunctionSettings}). Computed from
   * a read configuration, so the function kind and the release engine get the same value without
   * sharing the spec.
   */
  public static String configHash(FunctionConfiguration c) {
    return FunctionSettings.hash(c);
  }


  /**
   * The newest version Slipway published of {@code code} with configuration hash {@code configHash};
   * when the code source pins a {@code sha256}, the version's CodeSha256 must equal it too.
   */
  public Optional<FunctionConfiguration> findVersion(String function, CodeSource code, String configHash) {
    return newest(function, versionDescription(code, configHash), v -> code.sha256 == null || code.sha256.equals(v.codeSha256()));
  }

  /** The newest version Slipway published of {@code code} that holds exactly what {@code latest} ($LATEST) holds. */
  public Optional<FunctionConfiguration> findVersionOf(String function, CodeSource code, FunctionConfiguration latest) {
    return newest(function, versionDescription(code, configHash(latest)), v -> v.codeSha256().equals(latest.codeSha256()));
  }

  private Optional<FunctionConfiguration> newest(String function, String description, Predicate<FunctionConfiguration> matches) {
    return publishedVersions(function).stream()
        .filter(v -> description.equals(v.description()))
        .filter(matches)
        .max(Comparator.comparingLong(v -> Long.parseLong(v.version())));
  }

  /**
   * Publishes $LATEST, known to hold {@code code} and configuration {@code latest}, unless a version with
   * the same code, configuration and CodeSha256 exists already; returns that version's number.
   */
  public String publish(String function, CodeSource code, FunctionConfiguration latest) {
    Optional<FunctionConfiguration> existing = findVersionOf(function, code, latest);
    if (existing.isPresent()) {
      return existing.get().version();
    }
    // CodeSha256 makes Lambda refuse to publish if $LATEST changed since we read it.
    return lambda
        .publishVersion(r -> r.functionName(function).description(versionDescription(code, configHash(latest))).codeSha256(latest.codeSha256()))
        .version();
  }

  /**
   * The version holding {@code code} with the function's current configuration: found if published
   * before, otherwise uploaded to $LATEST and published. This is what a release calls to get its
   * canary version.
   */
  public String ensureVersion(String function, CodeSource code) {
    FunctionConfiguration latest = awaitUpdated(function);
    Optional<FunctionConfiguration> found = findVersion(function, code, configHash(latest));
    if (found.isPresent()) {
      return found.get().version();
    }
    return publish(function, code, uploadCode(function, code));
  }

  /**
   * Puts {@code code} into $LATEST and, for a release on the release engine's own worker, waits for
   * the update to finish. The function kind does not wait: it uses {@link #startUpload}.
   */
  public FunctionConfiguration uploadCode(String function, CodeSource code) {
    startUpload(function, code, null);
    return awaitUpdated(function);
  }

  /**
   * Starts putting {@code code} into $LATEST (with {@code architecture}, which only UpdateFunctionCode
   * can change; null keeps it) and checks the pinned checksum against what Lambda received. Lambda
   * may still be applying the update when this returns.
   *
   * @return the CodeSha256 of the uploaded code
   */
  public String startUpload(String function, CodeSource code, Architecture architecture) {
    UpdateFunctionCodeRequest.Builder request = UpdateFunctionCodeRequest.builder().functionName(function);
    if (code.imageUri != null) {
      request.imageUri(code.imageUri);
    } else {
      request.s3Bucket(code.s3.bucket).s3Key(code.s3.key).s3ObjectVersion(code.s3.objectVersion);
    }
    if (architecture != null) {
      request.architectures(architecture);
    }
    String sha = lambda.updateFunctionCode(request.build()).codeSha256();
    verifyChecksum(function, code, sha);
    return sha;
  }

  /** Fails terminally when the code source pins a sha256 that Lambda's CodeSha256 does not match. */
  public static void verifyChecksum(String function, CodeSource code, String codeSha256) {
    if (code.sha256 != null && !code.sha256.equals(codeSha256)) {
      throw SlipwayException.terminal(
          "CodeChecksumMismatch",
          "code " + code.describe() + " of " + function + " has CodeSha256 " + codeSha256 + ", the spec expects " + code.sha256);
    }
  }

  /** Waits until the last update is no longer InProgress; LastUpdateStatus Failed is terminal. */
  public FunctionConfiguration awaitUpdated(String function) {
    return await(function, w -> w.waitUntilFunctionUpdatedV2(r -> r.functionName(function)),
        c -> c.lastUpdateStatus() == LastUpdateStatus.FAILED, "FunctionUpdateFailed", FunctionConfiguration::lastUpdateStatusReason);
  }

  private FunctionConfiguration await(
      String function,
      Function<LambdaWaiter, WaiterResponse<GetFunctionResponse>> wait,
      Predicate<FunctionConfiguration> failed,
      String failedReason,
      Function<FunctionConfiguration, String> lambdaReason) {
    try (LambdaWaiter waiter = LambdaWaiter.builder().client(lambda).build()) {
      return wait.apply(waiter).matched().response().orElseThrow().configuration();
    } catch (SdkClientException e) {
      // The waiter stopped: either Lambda reported a failure (terminal, with its reason) or it ran out
      // of attempts while the function was still busy (try again later).
      FunctionConfiguration now = lambda.getFunction(r -> r.functionName(function)).configuration();
      if (failed.test(now)) {
        throw SlipwayException.terminal(failedReason, function + ": " + lambdaReason.apply(now));
      }
      throw SlipwayException.retryable("FunctionBusy", function + " is still updating: " + e.getMessage());
    }
  }

  /** The alias's routing, or empty when the alias does not exist. */
  public Optional<AliasRouting> readAlias(String function, String alias) {
    return AwsErrors.unlessNotFound(() -> lambda.getAlias(r -> r.functionName(function).name(alias)))
        .map(a -> routing(a.aliasArn(), a.functionVersion(), a.routingConfig(), a.revisionId()));
  }

  /** Whether {@code version} of the function exists (versions can be deleted behind our back). */
  public boolean versionExists(String function, String version) {
    return AwsErrors.unlessNotFound(() -> lambda.getFunctionConfiguration(r -> r.functionName(function).qualifier(version))).isPresent();
  }

  /** Creates the alias with all traffic on {@code version}. */
  public AliasRouting createAlias(String function, String alias, String version) {
    var a = lambda.createAlias(r -> r.functionName(function).name(alias).functionVersion(version));
    return routing(a.aliasArn(), a.functionVersion(), a.routingConfig(), a.revisionId());
  }

  /** Routes all of the alias's traffic to {@code version} and removes any additional version. */
  public AliasRouting pointAt(String function, String alias, String version) {
    return pointAt(function, alias, version, null);
  }

  /**
   * As {@link #pointAt(String, String, String)}, only if the alias still has RevisionId
   * {@code revisionId} (null: whatever it has); otherwise Lambda refuses with
   * PreconditionFailedException and the alias stays as the other writer left it.
   */
  public AliasRouting pointAt(String function, String alias, String version, String revisionId) {
    var a = lambda.updateAlias(r -> r.functionName(function).name(alias).functionVersion(version).revisionId(revisionId)
        .routingConfig(c -> c.additionalVersionWeights(Map.of())));
    return routing(a.aliasArn(), a.functionVersion(), a.routingConfig(), a.revisionId());
  }

  /**
   * Routes {@code percent} (1 to 99) of the alias's traffic to {@code canary} and the rest to
   * {@code stable}. Any other additional version is dropped: AWS allows one.
   */
  public AliasRouting route(String function, String alias, String stable, String canary, int percent) {
    return route(function, alias, stable, canary, percent, null);
  }

  /**
   * As {@link #route(String, String, String, String, int)}, only if the alias still has RevisionId
   * {@code revisionId} (null: whatever it has); otherwise Lambda refuses with
   * PreconditionFailedException and the alias stays as the other writer left it.
   */
  public AliasRouting route(String function, String alias, String stable, String canary, int percent, String revisionId) {
    if (percent < 1 || percent > 99) {
      throw new IllegalArgumentException("canary weight must be 1 to 99 percent, not " + percent);
    }
    if (stable.equals(canary)) {
      throw new IllegalArgumentException("canary version " + canary + " is the stable version");
    }
    double weight = percent / 100.0;
    var a = lambda.updateAlias(r -> r.functionName(function).name(alias).functionVersion(stable).revisionId(revisionId)
        .routingConfig(c -> c.additionalVersionWeights(Map.of(canary, weight))));
    return routing(a.aliasArn(), a.functionVersion(), a.routingConfig(), a.revisionId());
  }

  private static AliasRouting routing(String aliasArn, String version, AliasRoutingConfiguration routing, String revisionId) {
    // Without weights AWS omits RoutingConfig; moto returns it with an empty map.
    Map<String, Double> weights = routing == null ? Map.of() : routing.additionalVersionWeights();
    if (weights.size() > 1) {
      // AWS refuses this; only an emulator or a bug elsewhere could have stored it.
      throw SlipwayException.terminal("AliasRoutingUnsupported", "alias " + aliasArn + " routes to more than one additional version: " + weights);
    }
    return weights.entrySet().stream()
        .findFirst()
        .map(w -> new AliasRouting(aliasArn, version, w.getKey(), w.getValue(), revisionId))
        .orElse(new AliasRouting(aliasArn, version, null, 0, revisionId));
  }

  /** Published versions (not $LATEST), every page. */
  private List<FunctionConfiguration> publishedVersions(String function) {
    List<FunctionConfiguration> versions = new ArrayList<>();
    lambda.listVersionsByFunctionPaginator(r -> r.functionName(function)).versions().forEach(v -> {
      if (!"$LATEST".equals(v.version())) {
        versions.add(v);
      }
    });
    return versions;
  }

}
