package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.api.v1alpha1.ParameterSpec;
import dev.slipway.api.v1alpha1.FunctionStatus;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.NotReady;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Set;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.Delta;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.kinds.LambdaVersions.AliasRouting;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Architecture;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.FunctionCode;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.PackageType;
import software.amazon.awssdk.services.lambda.model.State;

/**
 * A Lambda function of a service with its stage alias. Every change of code or configuration is
 * published as a version, but only a new function's alias is pointed at it: moving an existing alias
 * is a LambdaRelease's job, so here a change only records {@code publishedVersion} in status.
 */
public final class LambdaFunctionKind implements AwsResourceKind<LambdaFunctionKind.Desired, LambdaFunctionKind.Observed> {

  public static final String KIND = "LambdaFunction";
  private static final KindInfo INFO = KindInfo.named(KIND, Set.of(IamRoleKind.KIND, LogGroupKind.KIND));
  /** How soon to look again at a function Lambda is still creating or updating. */
  private static final Duration BUSY = Duration.ofSeconds(3);


  /**
   * The function the spec wants. The role ARN is passed in, not looked up, because the IAM kind may
   * publish one role per service or one per function.
   */
  public record Desired(String name, String physicalName, FunctionSpec spec, String roleArn, Map<String, String> environment, String deadLetterArn)
      implements DesiredResource {

    public static Desired of(StackContext ctx, FunctionSpec spec, String roleArn) {
      return new Desired(spec.name, ctx.physicalName(spec.name), spec, roleArn, LambdaFunctionKind.environment(ctx, spec), LambdaFunctionKind.deadLetterArn(ctx, spec));
    }

    PackageType packageType() {
      return spec.code.imageUri != null ? PackageType.IMAGE : PackageType.ZIP;
    }
  }

  /**
   * The function as read.
   *
   * @param alias the stage alias, null when it does not exist
   * @param provisionedConcurrency requested on the alias, null when none
   * @param publishedVersion a version known to hold exactly $LATEST, null when not known
   */
  public record Observed(
      FunctionConfiguration configuration,
      Map<String, String> tags,
      Integer reservedConcurrency,
      AliasRouting alias,
      Integer provisionedConcurrency,
      String publishedVersion) {}

  @Override
  public KindInfo info() {
    return INFO;
  }

  /** The ARN of the function's dead-letter target, null when it has none. */
  static String deadLetterArn(StackContext ctx, FunctionSpec f) {
    if (f.deadLetter == null) {
      return null;
    }
    if (f.deadLetter.queueArn != null) {
      return f.deadLetter.queueArn;
    }
    return SnsTopicKind.arn(ctx, ctx.scope(), SnsTopicKind.declared(ctx, f.deadLetter.topic, "function " + f.name + ", deadLetter"));
  }

  /** The function's environment: its literal variables and the names and ARNs environmentFrom refers to. */
  static Map<String, String> environment(StackContext ctx, FunctionSpec f) {
    Map<String, String> env = new TreeMap<>(f.environment);
    f.environmentFrom.forEach((variable, source) -> {
      if (source.table != null) {
        env.put(variable, ctx.physicalName(source.table));
      } else if (source.topic != null) {
        env.put(variable, SnsTopicKind.arn(ctx, ctx.scope(), SnsTopicKind.declared(ctx, source.topic, "function " + f.name + ", environmentFrom " + variable)));
      } else {
        ParameterSpec parameter = ctx.spec().parameters.stream().filter(p -> p.name.equals(source.parameter)).findFirst().orElseThrow();
        env.put(variable, parameter.physicalName(ctx.prefix()));
      }
    });
    return env;
  }

  /**
   * A zip function has a runtime and a handler (the CRD rule's second line); environmentFrom and
   * deadLetter must name declared resources; environmentFrom may not shadow a literal variable.
   * {@code spec} is the effective one, so a runtime inherited from spec.functionDefaults counts.
   */
  @Override
  public List<String> validate(ServerlessServiceSpec spec) {
    List<String> problems = new ArrayList<>();
    for (FunctionSpec f : spec.functions) {
      if (f.code.imageUri == null && (f.runtime == null || f.handler == null)) {
        problems.add("function " + f.name + " is a zip function and needs runtime (its own or spec.functionDefaults.runtime) and handler");
      }
      if (f.deadLetter != null && f.deadLetter.topic != null && spec.topics.stream().noneMatch(t -> t.name.equals(f.deadLetter.topic))) {
        problems.add("function " + f.name + ", deadLetter: topic " + f.deadLetter.topic + " is not in spec.topics");
      }
      f.environmentFrom.forEach((variable, source) -> {
        String where = "function " + f.name + ", environmentFrom " + variable + ": ";
        if (f.environment.containsKey(variable)) {
          problems.add(where + "also set in environment");
        }
        if (source.table != null && spec.tables.stream().noneMatch(t -> t.name.equals(source.table))) {
          problems.add(where + "table " + source.table + " is not in spec.tables");
        }
        if (source.topic != null && spec.topics.stream().noneMatch(t -> t.name.equals(source.topic))) {
          problems.add(where + "topic " + source.topic + " is not in spec.topics");
        }
        if (source.parameter != null && spec.parameters.stream().noneMatch(p -> p.name.equals(source.parameter))) {
          problems.add(where + "parameter " + source.parameter + " is not in spec.parameters");
        }
      });
    }
    return problems;
  }

  /** One function per {@code spec.functions} entry, after its execution role and its log group. */
  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    return ctx.spec().functions.stream()
        .map(f -> new Planned<>(this, f.name, ctx.physicalName(f.name),
            List.of(Planned.key(IamRoleKind.KIND, f.name), Planned.key(LogGroupKind.KIND, f.name)),
            c -> Desired.of(c, f, c.output(Outputs.roleArn(f.name)))))
        .toList();
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    return Optional.of(observe(ctx, d, ctx.aws().lambda().getFunction(r -> r.functionName(d.physicalName())), null));
  }

  /** Lambda is still creating or updating the function: changes and releases wait until it is done. */
  @Override
  public Optional<NotReady> readiness(Observed o) {
    FunctionConfiguration c = o.configuration();
    if (c.state() == State.FAILED) {
      throw SlipwayException.terminal("FunctionCreateFailed", c.functionName() + ": " + c.stateReason());
    }
    if (c.state() == State.PENDING || c.lastUpdateStatus() == LastUpdateStatus.IN_PROGRESS) {
      return Optional.of(NotReady.awaiting("function " + c.functionName() + " is " + (c.state() == State.PENDING ? "being created" : "updating"), BUSY));
    }
    return Optional.empty();
  }

  private Observed observe(StackContext ctx, Desired d, GetFunctionResponse f, String publishedVersion) {
    LambdaClient lambda = ctx.aws().lambda();
    LambdaVersions versions = new LambdaVersions(lambda);
    AliasRouting alias = versions.readAlias(d.physicalName(), ctx.stage()).orElse(null);
    Integer provisioned = alias == null ? null : provisionedConcurrency(lambda, d.physicalName(), ctx.stage());
    FunctionConfiguration c = f.configuration();
    Optional<FunctionStatus> before = ctx.previousFunction(d.name());
    if (publishedVersion == null) {
      if (before.filter(s -> holdsLatest(s, d, c)).isPresent()) {
        publishedVersion = before.get().publishedVersion;
      } else {
        // No record of what $LATEST holds (adoption, lost status) or it changed since: a version we
        // published of the spec's code with this configuration and $LATEST's checksum proves it.
        publishedVersion = versions.findVersionOf(d.physicalName(), d.spec().code, c).map(FunctionConfiguration::version).orElse(null);
      }
    }
    Integer reserved = f.concurrency() == null ? null : f.concurrency().reservedConcurrentExecutions();
    return new Observed(c, f.tags() == null ? Map.of() : f.tags(), reserved, alias, provisioned, publishedVersion);
  }

  /** Whether the last converge recorded exactly this code and configuration, so its published version holds $LATEST. */
  private static boolean holdsLatest(FunctionStatus s, Desired d, FunctionConfiguration c) {
    return s.publishedVersion != null
        && d.spec().code.describe().equals(s.code)
        && Objects.equals(s.codeSha256, c.codeSha256())
        && LambdaVersions.configHash(c).equals(s.configHash);
  }

  private static Integer provisionedConcurrency(LambdaClient lambda, String function, String alias) {
    return AwsErrors.unlessNotFound(() -> lambda.getProvisionedConcurrencyConfig(r -> r.functionName(function).qualifier(alias)))
        .map(c -> c.requestedProvisionedConcurrentExecutions())
        .orElse(null);
  }

  @Override
  public Observed create(StackContext ctx, Desired d) {
    LambdaClient lambda = ctx.aws().lambda();
    LambdaVersions versions = new LambdaVersions(lambda);
    String name = d.physicalName();
    FunctionSpec s = d.spec();
    CreateFunctionRequest.Builder request =
        CreateFunctionRequest.builder()
            .functionName(name)
            .role(d.roleArn())
            .packageType(d.packageType())
            .code(s.code.imageUri != null
                ? FunctionCode.builder().imageUri(s.code.imageUri).build()
                : FunctionCode.builder().s3Bucket(s.code.s3.bucket).s3Key(s.code.s3.key).s3ObjectVersion(s.code.s3.objectVersion).build())
            .architectures(Architecture.fromValue(s.architecture.name()))
            .tags(ctx.tags())
            .publish(false);
    FunctionSettings.create(request, d);
    withRole(() -> lambda.createFunction(request.build()));
    FunctionConfiguration latest = versions.awaitActive(name);
    LambdaVersions.verifyChecksum(name, s.code, latest);
    if (s.reservedConcurrency != null) {
      putReservedConcurrency(lambda, name, s.reservedConcurrency);
    }
    String version = versions.publish(name, s.code, latest);
    versions.createAlias(name, ctx.stage(), version);
    if (s.provisionedConcurrency != null) {
      putProvisionedConcurrency(lambda, name, ctx.stage(), s.provisionedConcurrency);
    }
    return reread(ctx, d, version);
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    Delta delta = differences(ctx, d, o);
    if (delta.isEmpty()) {
      return List.of();
    }
    // One step: configuration, code, version and alias changes depend on each other and run in order.
    // Environment values may be secrets: their step names the field only.
    Delta shown = new Delta(delta.differences().stream()
        .map(x -> x.path().equals("environment") ? Delta.Difference.redacted(x.path()) : x)
        .toList());
    return List.of(Step.of(shown, () -> update(ctx, d, o, delta)));
  }

  /** Every field where the function differs from the spec, tags aside (the runtime keeps those). */
  private static Delta differences(StackContext ctx, Desired d, Observed o) {
    FunctionSpec s = d.spec();
    FunctionConfiguration c = o.configuration();
    Delta.Builder delta = Delta.builder().compare("packageType", d.packageType().toString(), c.packageTypeAsString());
    FunctionSettings.compare(delta, d, c);
    delta
        .compare("architecture", s.architecture.name(), c.architecturesAsStrings().isEmpty() ? "x86_64" : c.architecturesAsStrings().get(0))
        .compare("reservedConcurrency", s.reservedConcurrency, o.reservedConcurrency())
        // During a release's weighted steps the release keeps provisioned concurrency on the stable
        // version (AWS refuses it on a weighted alias) and puts it back on the alias at the end.
        .compare("provisionedConcurrency", s.provisionedConcurrency, o.alias() != null && o.alias().weighted() ? s.provisionedConcurrency : o.provisionedConcurrency());
    codeDrift(ctx.previousFunction(d.name()).orElse(null), d, o).ifPresent(observed -> delta.add("code", s.code.describe(), observed));
    if (o.alias() == null) {
      delta.add("alias", ctx.stage(), null);
    }
    return delta.build();
  }

  /**
   * What $LATEST holds when it is not the spec's code, else empty. Slipway's record of the code it
   * last applied tells a new code source; a different CodeSha256 in AWS means someone uploaded code
   * behind our back.
   */
  private static Optional<String> codeDrift(FunctionStatus status, Desired d, Observed o) {
    String sha = o.configuration().codeSha256();
    String pinned = d.spec().code.sha256;
    if (pinned != null && !pinned.equals(sha)) {
      return Optional.of("CodeSha256 " + sha);
    }
    if (status == null || status.code == null) {
      return o.publishedVersion() == null ? Optional.of("unknown code with CodeSha256 " + sha) : Optional.empty();
    }
    if (!status.code.equals(d.spec().code.describe())) {
      return Optional.of(status.code);
    }
    return Objects.equals(status.codeSha256, sha) ? Optional.empty() : Optional.of("CodeSha256 " + sha + " (applied " + status.codeSha256 + ")");
  }

  /** Runs what {@code delta} names, in the order Lambda needs: configuration, code, version, concurrency, alias. */
  private void update(StackContext ctx, Desired d, Observed o, Delta delta) {
    if (delta.differsAt("packageType")) {
      throw SlipwayException.terminal("PackageTypeImmutable",
          d.physicalName() + " is a " + o.configuration().packageTypeAsString() + " function; Lambda cannot change it to " + d.packageType()
              + ": delete the function or give it another name");
    }
    LambdaClient lambda = ctx.aws().lambda();
    LambdaVersions versions = new LambdaVersions(lambda);
    String name = d.physicalName();
    FunctionSpec s = d.spec();
    FunctionConfiguration latest = o.configuration();
    if (latest.lastUpdateStatus() == LastUpdateStatus.IN_PROGRESS) {
      latest = versions.awaitUpdated(name);
    }
    boolean configurationChanged = FunctionSettings.anyDiffers(delta);
    if (configurationChanged) {
      withRole(() -> lambda.updateFunctionConfiguration(FunctionSettings.update(d, delta)));
      latest = versions.awaitUpdated(name);
    }
    boolean codeChanged = delta.differsAt("code") || delta.differsAt("architecture");
    if (codeChanged) {
      // Architectures is a parameter of UpdateFunctionCode, not of UpdateFunctionConfiguration.
      latest = versions.uploadCode(name, s.code, delta.differsAt("architecture") ? Architecture.fromValue(s.architecture.name()) : null);
    }
    String published = configurationChanged || codeChanged ? versions.publish(name, s.code, latest) : o.publishedVersion();
    if (delta.differsAt("reservedConcurrency")) {
      putReservedConcurrency(lambda, name, s.reservedConcurrency);
    }
    if (o.alias() == null) {
      versions.createAlias(name, ctx.stage(), aliasTarget(ctx, d, versions, published, latest));
    }
    if (delta.differsAt("provisionedConcurrency")) {
      putProvisionedConcurrency(lambda, name, ctx.stage(), s.provisionedConcurrency);
    }
  }

  /**
   * Where a missing alias goes: the version it last pointed at, so a release in flight is not undone,
   * else the version of the current code and configuration.
   */
  private static String aliasTarget(StackContext ctx, Desired d, LambdaVersions versions, String published, FunctionConfiguration latest) {
    String remembered = ctx.previousFunction(d.name()).map(f -> f.aliasVersion).orElse(null);
    if (remembered != null && versions.versionExists(d.physicalName(), remembered)) {
      return remembered;
    }
    return published != null ? published : versions.publish(d.physicalName(), d.spec().code, latest);
  }


  @Override
  public void retag(StackContext ctx, Observed o, Map<String, String> set, Collection<String> remove) {
    LambdaClient lambda = ctx.aws().lambda();
    String arn = o.configuration().functionArn();
    if (!set.isEmpty()) {
      lambda.tagResource(r -> r.resource(arn).tags(set));
    }
    if (!remove.isEmpty()) {
      lambda.untagResource(r -> r.resource(arn).tagKeys(remove));
    }
  }

  private static void putReservedConcurrency(LambdaClient lambda, String function, Integer reserved) {
    if (reserved != null) {
      lambda.putFunctionConcurrency(r -> r.functionName(function).reservedConcurrentExecutions(reserved));
    } else {
      lambda.deleteFunctionConcurrency(r -> r.functionName(function));
    }
  }

  private static void putProvisionedConcurrency(LambdaClient lambda, String function, String alias, Integer provisioned) {
    if (provisioned != null) {
      lambda.putProvisionedConcurrencyConfig(r -> r.functionName(function).qualifier(alias).provisionedConcurrentExecutions(provisioned));
    } else {
      AwsErrors.ignoreNotFound(() -> lambda.deleteProvisionedConcurrencyConfig(r -> r.functionName(function).qualifier(alias)));
    }
  }

  /**
   * A role IAM created seconds ago is not yet assumable by Lambda ("cannot be assumed"): IAM is
   * eventually consistent, so that is worth a retry, unlike other invalid parameters.
   */
  private static void withRole(Runnable call) {
    try {
      call.run();
    } catch (InvalidParameterValueException e) {
      if (AwsErrors.message(e).contains("cannot be assumed")) {
        throw NotReady.awaiting("the execution role is not assumable yet (IAM is eventually consistent): " + AwsErrors.message(e), BUSY);
      }
      throw e;
    }
  }

  private Observed reread(StackContext ctx, Desired d, String publishedVersion) {
    return observe(ctx, d, ctx.aws().lambda().getFunction(r -> r.functionName(d.physicalName())), publishedVersion);
  }

  @Override
  public Map<String, String> tags(Observed o) {
    return o.tags();
  }

  /** The function's ARNs as outputs, and as facts its status entry: the code $LATEST holds, the versions and the alias. */
  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    FunctionConfiguration c = o.configuration();
    FunctionStatus status = ctx.previousFunction(d.name()).map(FunctionStatus::copy).orElseGet(FunctionStatus::new);
    status.name = d.name();
    status.functionArn = c.functionArn();
    // publish follows a successful converge, so $LATEST now holds the spec's code.
    status.code = d.spec().code.describe();
    status.codeSha256 = c.codeSha256();
    status.configHash = LambdaVersions.configHash(c);
    if (o.publishedVersion() != null) {
      status.publishedVersion = o.publishedVersion();
    }
    if (o.alias() != null) {
      status.aliasArn = o.alias().aliasArn();
      status.aliasVersion = o.alias().version();
    }
    return Published.of(c.functionArn())
        .output(Outputs.functionArn(d.name()), status.functionArn)
        .output(Outputs.aliasArn(d.name()), status.aliasArn)
        .facts(status)
        .build();
  }

  /** Aliases first (their provisioned concurrency goes with them), then the function with its versions. */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    LambdaClient lambda = ctx.aws().lambda();
    String name = resource.physicalName;
    lambda.listAliasesPaginator(r -> r.functionName(name)).aliases()
        .forEach(a -> lambda.deleteAlias(r -> r.functionName(name).name(a.name())));
    lambda.deleteFunction(r -> r.functionName(name));
  }
}
