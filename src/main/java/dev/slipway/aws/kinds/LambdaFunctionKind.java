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
import dev.slipway.aws.ResourceLoop;
import dev.slipway.aws.Revocation;
import dev.slipway.aws.Revoked;
import dev.slipway.aws.Tags;
import dev.slipway.aws.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Stream;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.Delta;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.kinds.LambdaVersions.AliasRouting;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Architecture;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.CreateFunctionResponse;
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
  private static final KindInfo INFO = KindInfo.named(KIND, Set.of(IamRoleKind.KIND, LogGroupKind.KIND, SubnetKind.KIND, ExistingSubnetKind.KIND, SecurityGroupKind.KIND,
      DbClusterKind.KIND, DbInstanceKind.KIND, CacheReplicationGroupKind.KIND, CacheServerlessKind.KIND));
  /** How soon to look again at a function Lambda is still creating or updating. */
  private static final Duration BUSY = Duration.ofSeconds(3);


  /**
   * The function the spec wants. The role ARN is passed in, not looked up, because the IAM kind may
   * publish one role per service or one per function.
   */
  public record Desired(String name, String physicalName, FunctionSpec spec, String roleArn, Map<String, String> environment, String deadLetterArn,
      VpcPlacement vpc)
      implements DesiredResource {

    public static Desired of(StackContext ctx, FunctionSpec spec, String roleArn) {
      return new Desired(spec.name, ctx.physicalName(spec.name), spec, roleArn, LambdaFunctionKind.environment(ctx, spec), LambdaFunctionKind.deadLetterArn(ctx, spec),
          LambdaFunctionKind.vpc(ctx, spec));
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
   * @param latestCode the code source known to be in $LATEST (Slipway's record, still matching its
   *     CodeSha256, or a version published of it), null when not known
   */
  public record Observed(
      FunctionConfiguration configuration,
      Map<String, String> tags,
      Integer reservedConcurrency,
      AliasRouting alias,
      Integer provisionedConcurrency,
      String publishedVersion,
      String latestCode) {}

  @Override
  public KindInfo info() {
    return INFO;
  }

  /** The subnets and security groups a function is placed in; null outside a VPC. */
  public record VpcPlacement(List<String> subnetIds, List<String> securityGroupIds) {}

  /** The function's placement: the network's private subnets and functions group, or the ids the spec gives. */
  static VpcPlacement vpc(StackContext ctx, FunctionSpec f) {
    if (f.vpc == null) {
      return null;
    }
    if (!f.vpc.byNetwork()) {
      return new VpcPlacement(f.vpc.subnetIds, f.vpc.securityGroupIds);
    }
    List<String> subnets = SubnetKind.names(ctx.spec().network, false).stream().map(s -> ctx.output(SubnetKind.idOutput(s))).toList();
    return new VpcPlacement(subnets, List.of(ctx.output(SecurityGroupKind.idOutput(SecurityGroupKind.FUNCTIONS))));
  }

  /** What a function placed by the network waits for: its private subnets, the functions group and the caches it names. */
  private static List<String> networkDependencies(StackContext ctx, FunctionSpec f) {
    if (f.vpc == null || !f.vpc.byNetwork()) {
      return List.of();
    }
    List<String> deps = new ArrayList<>();
    SubnetKind.names(ctx.spec().network, false).forEach(s -> deps.add(SubnetKind.key(ctx.spec().network, s)));
    deps.add(Planned.key(SecurityGroupKind.KIND, SecurityGroupKind.FUNCTIONS));
    f.caches.forEach(named -> deps.add(ctx.spec().caches.stream().filter(c -> c.name.equals(named.name)).findFirst()
        .map(ElastiCacheResources::key).orElse(Planned.key(CacheReplicationGroupKind.KIND, named.name))));
    return deps;
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

  /** The function's environment: its literal variables and the names, ARNs, database outputs and cache endpoints environmentFrom refers to. */
  static Map<String, String> environment(StackContext ctx, FunctionSpec f) {
    Map<String, String> env = new TreeMap<>(f.environment);
    f.environmentFrom.forEach((variable, source) -> {
      if (source.table != null) {
        env.put(variable, ctx.physicalName(source.table));
      } else if (source.topic != null) {
        env.put(variable, SnsTopicKind.arn(ctx, ctx.scope(), SnsTopicKind.declared(ctx, source.topic, "function " + f.name + ", environmentFrom " + variable)));
      } else if (source.database != null) {
        env.put(variable, ctx.output(RdsResources.output(source.database.name, source.database.value.name())));
      } else if (source.cache != null) {
        env.put(variable, ElastiCacheResources.output(ctx, source.cache, "function " + f.name + ", environmentFrom " + variable));
      } else {
        ParameterSpec parameter = ctx.spec().parameters.stream().filter(p -> p.name.equals(source.parameter)).findFirst().orElseThrow();
        env.put(variable, parameter.physicalName(ctx.prefix()));
      }
    });
    return env;
  }

  /**
   * A zip function has a runtime and a handler (the CRD rule's second line); environmentFrom and
   * deadLetter must name declared resources (a cache: one of the function's caches); environmentFrom
   * may not shadow a literal variable.
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
        // The function waits only for the caches it names, so an endpoint is known only for those.
        if (source.cache != null && f.caches.stream().noneMatch(c -> c.name.equals(source.cache.name))) {
          problems.add(where + "cache " + source.cache.name + " is not in the function's caches");
        }
        if (source.cache != null && source.cache.value == FunctionSpec.CacheOutput.Value.readerEndpoint
            && spec.caches.stream().anyMatch(c -> c.name.equals(source.cache.name) && c.nodeBased() && c.replicas == 0)) {
          problems.add(where + "cache " + source.cache.name + " has no replicas, so no readerEndpoint");
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
            Stream.of(Stream.of(Planned.key(IamRoleKind.KIND, f.name), Planned.key(LogGroupKind.KIND, f.name)), networkDependencies(ctx, f).stream(),
                DbInstanceKind.publishers(ctx.spec(), f).stream()).flatMap(s -> s).distinct().toList(),
            c -> Desired.of(c, f, c.output(Outputs.roleArn(f.name)))))
        .toList();
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    return Optional.of(observe(ctx, d, null));
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

  /** Reads the function; {@code uploaded}, when not null, is the code this reconcile just put into $LATEST. */
  private Observed observe(StackContext ctx, Desired d, String uploaded) {
    LambdaClient lambda = ctx.aws().lambda();
    GetFunctionResponse f = lambda.getFunction(r -> r.functionName(d.physicalName()));
    LambdaVersions versions = new LambdaVersions(lambda);
    AliasRouting alias = versions.readAlias(d.physicalName(), ctx.stage()).orElse(null);
    // Provisioned concurrency the spec leaves off is taken to be off by a resync that trusts defaults.
    boolean readProvisioned = alias != null && (d.spec().provisionedConcurrency != null || ctx.checksDefaults());
    Integer provisioned = readProvisioned ? provisionedConcurrency(lambda, d.physicalName(), ctx.stage()) : null;
    FunctionConfiguration c = f.configuration();
    Optional<FunctionStatus> before = ctx.previousFunction(d.name());
    String publishedVersion;
    if (before.filter(s -> holdsLatest(s, d, c)).isPresent()) {
      publishedVersion = before.get().publishedVersion;
    } else {
      // No record of what $LATEST holds (adoption, lost status) or it changed since: a version we
      // published of the spec's code with this configuration and $LATEST's checksum proves it.
      publishedVersion = versions.findVersionOf(d.physicalName(), d.spec().code, c).map(FunctionConfiguration::version).orElse(null);
    }
    String latestCode = uploaded;
    if (latestCode == null && publishedVersion != null) {
      latestCode = d.spec().code.describe();
    }
    if (latestCode == null) {
      latestCode = before.filter(s -> s.code != null && Objects.equals(s.codeSha256, c.codeSha256())).map(s -> s.code).orElse(null);
    }
    Integer reserved = f.concurrency() == null ? null : f.concurrency().reservedConcurrentExecutions();
    return new Observed(c, f.tags() == null ? Map.of() : f.tags(), reserved, alias, provisioned, publishedVersion, latestCode);
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

  /**
   * Creates the function, unpublished: the steps {@link #compare} then finds (a version of $LATEST,
   * the alias, concurrency) finish it in the same reconcile, or in a later one when Lambda is still
   * creating it.
   */
  @Override
  public Observed create(StackContext ctx, Desired d) {
    LambdaClient lambda = ctx.aws().lambda();
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
    CreateFunctionResponse created = withRole(() -> lambda.createFunction(request.build()));
    LambdaVersions.verifyChecksum(name, s.code, created.codeSha256());
    if (created.state() != State.ACTIVE) {
      throw NotReady.awaiting("function " + name + " is being created", BUSY).recording(uploaded(ctx, d, created.functionArn(), created.codeSha256()));
    }
    // Nothing more to read: a new function has the tags it was given, no alias, concurrency or version yet.
    return new Observed(configuration(created), ctx.tags(), null, null, null, null, s.code.describe());
  }

  /** CreateFunction answers with the function's configuration, field for field what GetFunction shows of it. */
  private static FunctionConfiguration configuration(CreateFunctionResponse created) {
    FunctionConfiguration.Builder configuration = FunctionConfiguration.builder();
    Map<String, SdkField<?>> answered = new HashMap<>();
    created.sdkFields().forEach(f -> answered.put(f.memberName(), f));
    configuration.sdkFields().stream().filter(f -> answered.containsKey(f.memberName()))
        .forEach(f -> f.set(configuration, answered.get(f.memberName()).getValueOrDefault(created)));
    return configuration.build();
  }

  /**
   * The status entry once $LATEST holds the spec's code with checksum {@code codeSha256} and no
   * version of it is published yet: what the next reconcile resumes from.
   */
  private static FunctionStatus uploaded(StackContext ctx, Desired d, String functionArn, String codeSha256) {
    FunctionStatus status = ctx.previousFunction(d.name()).map(FunctionStatus::copy).orElseGet(FunctionStatus::new);
    status.name = d.name();
    status.functionArn = functionArn;
    status.code = d.spec().code.describe();
    status.codeSha256 = codeSha256;
    status.publishedVersion = null;
    return status;
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
    codeDrift(d, o).ifPresent(observed -> delta.add("code", s.code.describe(), observed));
    Delta changes = delta.build();
    if (o.publishedVersion() == null && !changesVersion(changes)) {
      // $LATEST is as the spec wants but unpublished: a reconcile stopped after the upload.
      delta.add("publishedVersion", "a version of $LATEST", null);
    }
    if (o.alias() == null) {
      delta.add("alias", ctx.stage(), null);
    }
    return delta.build();
  }

  /**
   * What $LATEST holds when it is not the spec's code, else empty. Slipway's record of the code it
   * last applied tells a new code source; a CodeSha256 that matches neither that record nor a version
   * Slipway published means someone uploaded code behind our back.
   */
  private static Optional<String> codeDrift(Desired d, Observed o) {
    String sha = o.configuration().codeSha256();
    String pinned = d.spec().code.sha256;
    if (pinned != null && !pinned.equals(sha)) {
      return Optional.of("CodeSha256 " + sha);
    }
    if (o.latestCode() == null) {
      return Optional.of("unknown code with CodeSha256 " + sha);
    }
    return o.latestCode().equals(d.spec().code.describe()) ? Optional.empty() : Optional.of(o.latestCode());
  }

  /**
   * Runs what {@code delta} names, in the order Lambda needs: configuration, code, version,
   * concurrency, alias. Lambda applies configuration and code asynchronously; while it does, the
   * function is not ready and the rest waits for a later reconcile (nothing here sleeps).
   */
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
    // readiness() held the function while an update was in progress, so none is now.
    FunctionConfiguration latest = o.configuration();
    boolean configurationChanged = FunctionSettings.anyDiffers(delta);
    if (configurationChanged) {
      withRole(() -> lambda.updateFunctionConfiguration(FunctionSettings.update(d, delta)));
      latest = settled(lambda, name, "updating its configuration", null);
    }
    boolean codeChanged = delta.differsAt("code") || delta.differsAt("architecture");
    if (codeChanged) {
      // Architectures is a parameter of UpdateFunctionCode, not of UpdateFunctionConfiguration.
      String sha = versions.startUpload(name, s.code, delta.differsAt("architecture") ? Architecture.fromValue(s.architecture.name()) : null);
      latest = settled(lambda, name, "updating its code", uploaded(ctx, d, latest.functionArn(), sha));
    }
    String published = changesVersion(delta) || o.publishedVersion() == null ? versions.publish(name, s.code, latest) : o.publishedVersion();
    if (delta.differsAt("reservedConcurrency")) {
      putReservedConcurrency(lambda, name, s.reservedConcurrency);
    }
    if (o.alias() == null) {
      versions.createAlias(name, ctx.stage(), aliasTarget(ctx, d, versions, published));
    }
    if (delta.differsAt("provisionedConcurrency")) {
      putProvisionedConcurrency(lambda, name, ctx.stage(), s.provisionedConcurrency);
    }
  }

  /** Whether {@code delta} changes what $LATEST holds, so that a new version must be published. */
  public static boolean changesVersion(Delta delta) {
    return FunctionSettings.anyDiffers(delta) || delta.differsAt("code") || delta.differsAt("architecture");
  }

  /**
   * $LATEST after an update Lambda applies asynchronously: NotReady while it is still in progress
   * (carrying {@code recorded}, what the next reconcile resumes from), terminal when it failed.
   */
  private static FunctionConfiguration settled(LambdaClient lambda, String name, String doing, FunctionStatus recorded) {
    FunctionConfiguration c = lambda.getFunction(r -> r.functionName(name)).configuration();
    if (c.lastUpdateStatus() == LastUpdateStatus.FAILED) {
      throw SlipwayException.terminal("FunctionUpdateFailed", name + ": " + c.lastUpdateStatusReason());
    }
    if (c.lastUpdateStatus() == LastUpdateStatus.IN_PROGRESS) {
      throw NotReady.awaiting("function " + name + " is " + doing, BUSY).recording(recorded);
    }
    return c;
  }

  /**
   * Where a missing alias goes: the version it last pointed at, so a release in flight is not undone,
   * else the version of the current code and configuration.
   */
  private static String aliasTarget(StackContext ctx, Desired d, LambdaVersions versions, String published) {
    String remembered = ctx.previousFunction(d.name()).map(f -> f.aliasVersion).orElse(null);
    return remembered != null && versions.versionExists(d.physicalName(), remembered) ? remembered : published;
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
  private static <T> T withRole(Supplier<T> call) {
    try {
      return call.get();
    } catch (InvalidParameterValueException e) {
      if (AwsErrors.message(e).contains("cannot be assumed")) {
        throw NotReady.awaiting("the execution role is not assumable yet (IAM is eventually consistent): " + AwsErrors.message(e), BUSY);
      }
      throw e;
    }
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

  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    return Optional.ofNullable(ctx.aws().lambda().getFunction(r -> r.functionName(resource.physicalName)).tags());
  }

  /**
   * A dead-letter queue no longer granted is taken out of $LATEST (an empty target removes it); the
   * converge sets it again when the grant returns. Published versions are immutable and keep theirs,
   * but without the role's sqs:SendMessage on it (taken back from the role) Lambda cannot deliver to
   * it. Only a function whose tags name this service is changed.
   */
  @Override
  public List<Revocation> revoke(StackContext ctx, ManagedResource resource, Revoked revoked) {
    LambdaClient lambda = ctx.aws().lambda();
    String name = resource.physicalName;
    Optional<GetFunctionResponse> function = AwsErrors.unlessNotFound(() -> lambda.getFunction(r -> r.functionName(name)));
    var deadLetter = function.map(f -> f.configuration().deadLetterConfig()).map(c -> c.targetArn()).filter(revoked::queue);
    if (deadLetter.isEmpty() || !ResourceLoop.ownedBySelf(ctx, function.get().tags() == null ? null : function.get().tags().get(Tags.SERVICE))) {
      return List.of();
    }
    lambda.updateFunctionConfiguration(r -> r.functionName(name).deadLetterConfig(c -> c.targetArn("")));
    return List.of(Revocation.ofQueue(deadLetter.get(), "Removed the dead-letter queue of function " + name + " ($LATEST)",
        "it is set again when the grant returns"));
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
