package dev.slipway.aws.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.CodeSource;
import dev.slipway.api.v1alpha1.FunctionDefaults;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.FunctionStatus;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.Adoption;
import dev.slipway.aws.AwsCallRecorder;
import dev.slipway.aws.AwsClientFactory;
import dev.slipway.aws.AwsClients;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.AwsTarget;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.EventSink;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.Planned;
import dev.slipway.aws.ResourceLoop;
import dev.slipway.aws.ResourceLoop.Outcome;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.aws.SecretValues;
import dev.slipway.aws.StackContext;
import dev.slipway.testing.Artifacts;
import dev.slipway.testing.AwsFaults;
import dev.slipway.testing.MotoServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException;

/**
 * The one test bench of the resource kinds: the kinds under test driven by the real
 * {@link ResourceLoop} against the shared moto server (reset per harness), the way
 * ServerlessServiceReconciler drives them. Each converge builds a {@link StackContext} from what the
 * previous one recorded (status entries and function facts), the Secrets of the namespace come from
 * {@link #secrets}, every event is kept in {@link #events} and every operator call in
 * {@link #recorder}, cleared at the start of each converge, settle or delete.
 *
 * <p>Kinds outside the plan publish what they would have: the functions' execution role (one test
 * role) when the role kind is not planned, and, once {@link #deployFunctions()} made them, every
 * function's ARN and stage alias when the Lambda kind is not planned. What a test does behind
 * Slipway's back goes through {@link #raw()}, whose calls the recorder does not see.
 */
final class KindHarness implements AutoCloseable {

  static final String NAMESPACE = "chat";
  static final String SERVICE = "nexus";
  static final String REGION = "us-east-1";
  static final String ACCOUNT = "123456789012";
  /** The bucket {@link #upload} puts code in. */
  static final String BUCKET = "slipway-test-artifacts";
  /** How many passes {@link #settle()} makes at most before it gives up on a resource becoming ready. */
  private static final int MOST_PASSES = 10;
  private static final Duration LONGEST_PAUSE = Duration.ofMillis(250);
  private static final String TEST_ROLE = "slipway-test-lambda";
  private static final StaticCredentialsProvider DUMMY = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
  private static final ExecutorService EXECUTOR = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "kind-harness");
    t.setDaemon(true);
    return t;
  });

  final AwsCallRecorder recorder = new AwsCallRecorder(new SimpleMeterRegistry(), AwsCallRecorder.TEST_LOG_SIZE);
  /** The Secrets of the service's namespace, by {@code name/key}: what the reconciler would read from the cluster. */
  final Map<String, String> secrets = new ConcurrentHashMap<>();
  /**
   * The Secrets the service owns (a Cognito client's credential), by name. A stand-in for the cluster,
   * which the kind tests do not run; ServiceInvalidInputTest sees the reconciler write them to the real API server.
   */
  final Map<String, Map<String, String>> ownedSecrets = new ConcurrentHashMap<>();
  private final SecretValues namespaceSecrets = new SecretValues() {
    @Override
    public Optional<String> read(dev.slipway.api.v1alpha1.SecretKeyRef ref) {
      return Optional.ofNullable(secrets.get(ref.name + "/" + ref.key));
    }

    @Override
    public Optional<Map<String, String>> owned(String name) {
      return Optional.ofNullable(ownedSecrets.get(name));
    }

    @Override
    public void own(String name, Map<String, String> data) {
      ownedSecrets.put(name, Map.copyOf(data));
    }

    @Override
    public void disown(String name) {
      ownedSecrets.remove(name);
    }
  };
  /** Every event the runtime reported since the last clear, as {@code reason: message}. */
  final List<String> events = new CopyOnWriteArrayList<>();
  private final EventSink recordingEvents = new EventSink() {
    @Override
    public void normal(String reason, String message) {
      events.add(reason + ": " + message);
    }

    @Override
    public void warning(String reason, String message) {
      events.add(reason + ": " + message);
    }
  };
  private final AwsClientFactory operatorFactory;
  private final AwsClientFactory rawFactory;
  private final AwsClients operator;
  private final AwsClients raw;
  private final ResourceLoop loop = new ResourceLoop(EXECUTOR);
  private final Map<String, AwsResourceKind<?, ?>> kinds = new LinkedHashMap<>();
  private ServerlessServiceSpec spec;
  private List<ManagedResource> status = List.of();
  private List<FunctionStatus> functions = List.of();
  /** What the function fixture made, by function name, as the Lambda kind would have recorded it. */
  private final Map<String, FunctionStatus> fixtureFunctions = new LinkedHashMap<>();
  private final List<Result> passes = new ArrayList<>();
  private StackContext last;
  private String roleArn;
  private Adoption adoption = Adoption.NONE;
  private Optional<String> permissionsBoundary = Optional.empty();

  /**
   * The kinds under test over {@code spec}, the operator talking to moto through the fault proxy
   * (which passes every request through untouched until a test injects a fault).
   */
  KindHarness(ServerlessServiceSpec spec, AwsResourceKind<?, ?>... kinds) {
    this(AwsFaults.shared().endpoint(), spec, kinds);
  }

  /** The same with the operator talking to {@code endpoint}: moto, or a test double in front of it. */
  KindHarness(URI endpoint, ServerlessServiceSpec spec, AwsResourceKind<?, ?>... kinds) {
    this(MotoServer.shared(), endpoint, spec, kinds);
  }

  /** The same with the operator talking to {@code moto} itself, no fault proxy: a server set up unlike the shared one. */
  KindHarness(MotoServer moto, ServerlessServiceSpec spec, AwsResourceKind<?, ?>... kinds) {
    this(moto, moto.endpoint(), spec, kinds);
  }

  private KindHarness(MotoServer moto, URI endpoint, ServerlessServiceSpec spec, AwsResourceKind<?, ?>... kinds) {
    moto.reset();
    this.spec = spec;
    List.of(kinds).forEach(this::use);
    operatorFactory = new AwsClientFactory(Optional.of(endpoint), recorder, DUMMY);
    rawFactory = new AwsClientFactory(Optional.of(moto.endpoint()), new AwsCallRecorder(new SimpleMeterRegistry()), DUMMY);
    operator = operatorFactory.forTarget(AwsTarget.of(REGION, null));
    raw = rawFactory.forTarget(AwsTarget.of(REGION, null));
  }

  /** The ServerlessService of the contract example (nexus.yaml), fresh for every call. */
  static ServerlessServiceSpec nexus() {
    try (InputStream in = KindHarness.class.getResourceAsStream("nexus.yaml")) {
      return Serialization.unmarshal(in, ServerlessService.class).getSpec();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A service with no resources yet: stage prod in {@link #REGION}, tagged team=chat. */
  static ServerlessServiceSpec bare() {
    return Serialization.unmarshal("stage: prod\nregion: " + REGION + "\ntags:\n  team: chat\n", ServerlessServiceSpec.class);
  }

  /** A function as a spec would declare it in YAML, e.g. {@code name: api}, with the examples' runtime and handler unless given. */
  static FunctionSpec function(String yaml) {
    return Serialization.unmarshal("runtime: python3.12\nhandler: handler.handler\n" + yaml, FunctionSpec.class);
  }

  /** A deep copy, to edit without touching the original. */
  static ServerlessServiceSpec copy(ServerlessServiceSpec spec) {
    return Serialization.unmarshal(Serialization.asYaml(spec), ServerlessServiceSpec.class);
  }

  /** Puts {@code kind} in the plan, in place of the kind of the same name if there is one. */
  void use(AwsResourceKind<?, ?> kind) {
    kinds.put(kind.info().name(), kind);
  }

  /** The name of the kind planned last: in a kind's test, the kind under test. */
  String lastKind() {
    return List.copyOf(kinds.keySet()).get(kinds.size() - 1);
  }

  AwsResourceKind<?, ?> kind(String name) {
    return Objects.requireNonNull(kinds.get(name), () -> "kind " + name + " is not under test");
  }

  ServerlessServiceSpec spec() {
    return spec;
  }

  /** Replaces the spec the next converge works from. */
  void spec(ServerlessServiceSpec next) {
    spec = next;
  }

  /** A function of the spec by name. */
  static FunctionSpec function(ServerlessServiceSpec of, String name) {
    return of.functions.stream().filter(f -> f.name.equals(name)).findFirst().orElseThrow();
  }

  /** A function of this service declared in the spec: {@link #function(String)} with name and code. */
  FunctionSpec addFunction(String name, CodeSource code) {
    FunctionSpec f = function("name: " + name + "\n");
    f.code = code;
    spec.functions.add(f);
    return f;
  }

  /** The service's annotation slipway.dev/adopt from now on: {@code "true"} or kind names. */
  void adopt(String annotation) {
    adoption = Adoption.parse(annotation);
  }

  /** The operator's setting slipway.iam.permissions-boundary from now on; null for none. */
  void permissionsBoundary(String policyArn) {
    permissionsBoundary = Optional.ofNullable(policyArn);
  }

  /** The operator's clients: their calls are recorded. */
  AwsClients operator() {
    return operator;
  }

  /** The clients of someone else acting on the same account: setup and drift, unrecorded. */
  AwsClients raw() {
    return raw;
  }

  /** The AWS name of a logical resource of this service. */
  String physicalName(String logical) {
    return SERVICE + "-" + spec.stage + "-" + logical;
  }

  /** The tags Slipway puts on every resource of this service. */
  Map<String, String> tags() {
    return context(raw).tags();
  }

  /** One reconcile of the kinds under test; the recorder and events show this pass only. */
  Result converge() {
    clear();
    return pass();
  }

  /** A resync between checks of the spec's defaults, as the reconciler makes most of them ({@link StackContext#trustingDefaults}). */
  Result resyncTrustingDefaults() {
    clear();
    trustDefaults = true;
    try {
      return pass();
    } finally {
      trustDefaults = false;
    }
  }

  /** {@link #converge()} over {@code next}, which becomes the spec. */
  Result converge(ServerlessServiceSpec next) {
    spec = next;
    return converge();
  }

  /**
   * Reconciles until no resource is still becoming ready, as the reconciler's requeues would; the
   * recorder, events and {@link #outcomes()} cover every pass. Returns the last pass.
   */
  Result settle() {
    clear();
    Result result = pass();
    for (int n = 1; !result.notReady().isEmpty(); n++) {
      if (n == MOST_PASSES) {
        throw new AssertionError("still not ready after " + n + " passes: " + result.notReady());
      }
      pause(result.retryAfter().orElse(LONGEST_PAUSE));
      result = pass();
    }
    return result;
  }

  /** The outcomes of every pass since the recorder was last cleared, in order. */
  List<Outcome> outcomes() {
    return passes.stream().flatMap(r -> r.outcomes().stream()).toList();
  }

  private void clear() {
    recorder.clear();
    events.clear();
    passes.clear();
  }

  private Result pass() {
    last = trustDefaults ? context(operator).trustingDefaults() : context(operator);
    List<Planned<?, ?>> plan = new ArrayList<>();
    kinds.values().forEach(k -> plan.addAll(k.plan(last)));
    Result result = loop.converge(last, plan, recordingEvents);
    status = result.resources();
    functions = functions(result);
    passes.add(result);
    return result;
  }

  /** As the reconciler records them: this pass's converged functions, else what was known of them. */
  private List<FunctionStatus> functions(Result result) {
    Map<String, FunctionStatus> converged = result.facts(LambdaFunctionKind.KIND, FunctionStatus.class);
    List<FunctionStatus> previous = functions;
    return spec.functions.stream()
        .map(f -> Optional.ofNullable(converged.get(f.name))
            .or(() -> Optional.ofNullable(fixtureFunctions.get(f.name)))
            .or(() -> previous.stream().filter(p -> p.name.equals(f.name)).findFirst())
            .orElse(null))
        .filter(Objects::nonNull)
        .toList();
  }

  /** A context as a reconcile builds it from the last status, with the outputs of kinds outside the plan. */
  /** Whether the pass under way trusts the spec's defaults. */
  private boolean trustDefaults;

  private StackContext context(AwsClients clients) {
    // The reconciler resolves spec.functionDefaults once, before any kind sees the spec.
    StackContext ctx = new StackContext(clients, NAMESPACE, SERVICE, FunctionDefaults.resolve(spec), status, functions, namespaceSecrets,
        adoption, permissionsBoundary);
    if (kinds.containsKey(LambdaFunctionKind.KIND) && !kinds.containsKey(IamRoleKind.KIND)) {
      spec.functions.forEach(f -> ctx.publish(Outputs.roleArn(f.name), roleArn()));
    }
    if (!kinds.containsKey(LambdaFunctionKind.KIND)) {
      fixtureFunctions.values().forEach(f -> {
        ctx.publish(Outputs.functionArn(f.name), f.functionArn);
        ctx.publish(Outputs.aliasArn(f.name), f.aliasArn);
      });
    }
    return ctx;
  }

  /**
   * A fresh context over the operator's clients with the outputs the last converge published, for
   * reading resources back through their kind (no shared read of that converge is reused).
   */
  StackContext readingContext() {
    StackContext ctx = context(operator);
    if (last != null) {
      last.outputs().forEach(ctx::publish);
    }
    return ctx;
  }

  /** The context of the last converge. */
  StackContext context() {
    return last;
  }

  /** The status entries the last converge recorded. */
  List<ManagedResource> status() {
    return status;
  }

  /** The entries of one kind, in status order. */
  List<ManagedResource> status(String kind) {
    return status.stream().filter(r -> r.kind.equals(kind)).toList();
  }

  /** What status records of a function. */
  FunctionStatus functionStatus(String function) {
    return functions.stream().filter(f -> f.name.equals(function)).findFirst().orElseThrow();
  }

  /** Forgets the status, as if the ServerlessService had been recreated over its resources (deleted under Retain). */
  void forgetStatus() {
    status = List.of();
    functions = List.of();
  }

  /**
   * Deletes what status records, in a context built from status alone, as the reconciler's cleanup
   * does under deletionPolicy Delete (under Retain it never calls the kinds). Returns what could not
   * be deleted.
   */
  List<Outcome> delete() {
    clear();
    return loop.deleteAll(context(operator), status, Map.copyOf(kinds), recordingEvents);
  }

  /**
   * Deletes what {@code before} recorded and the last converge no longer plans, as the reconciler does
   * under deletionPolicy Delete. Returns what could not be deleted.
   */
  List<Outcome> deleteDropped(List<ManagedResource> before) {
    List<ManagedResource> dropped = before.stream().filter(r -> status.stream().noneMatch(r::sameResource)).toList();
    clear();
    return loop.deleteAll(context(operator), dropped, Map.copyOf(kinds), recordingEvents);
  }

  /** The resource as its kind reads it now; empty when it does not exist. */
  <D extends DesiredResource, O> Optional<O> read(Planned<D, O> planned, StackContext ctx) {
    D desired = planned.desired().apply(ctx);
    return AwsErrors.unlessNotFound(() -> planned.kind().read(ctx, desired)).flatMap(o -> o);
  }

  /** Names of the mutating AWS operations since the recorder was last cleared, in order. */
  List<String> mutatingCalls() {
    return recorder.mutatingCalls().stream().map(AwsCallRecorder.Call::operation).toList();
  }

  /** Names of every AWS operation since the recorder was last cleared, in order. */
  List<String> calls() {
    return recorder.calls().stream().map(AwsCallRecorder.Call::operation).toList();
  }

  void clearCalls() {
    recorder.clear();
  }

  /** Uploads a real zip with a small Python handler returning {@code body} to {@link #BUCKET}. */
  CodeSource upload(String key, String body) {
    Artifacts.upload(raw.s3(), BUCKET, key, body);
    return CodeSource.s3(BUCKET, key);
  }

  /** The execution role of the functions when the role kind is not under test, made once by hand. */
  String roleArn() {
    if (roleArn == null) {
      String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
      try {
        roleArn = raw.iam().createRole(r -> r.roleName(TEST_ROLE).assumeRolePolicyDocument(trust)).role().arn();
      } catch (EntityAlreadyExistsException e) {
        roleArn = raw.iam().getRole(r -> r.roleName(TEST_ROLE)).role().arn();
      }
    }
    return roleArn;
  }

  /**
   * The function fixture, for kinds that route to or subscribe functions: every function of the spec
   * made by hand from its code (a real zip put where the spec says), version 1 published and the stage
   * alias on it, recorded as the Lambda kind would record it.
   */
  void deployFunctions() {
    for (FunctionSpec f : FunctionDefaults.resolve(spec).functions) {
      CodeSource code = f.code != null ? f.code : upload("fixture/" + f.name + ".zip", "ok");
      Artifacts.upload(raw.s3(), code.s3.bucket, code.s3.key, "ok");
      String name = physicalName(f.name);
      String arn = raw.lambda().createFunction(r -> r.functionName(name).runtime(f.runtime.id()).role(roleArn()).handler(f.handler)
          .code(c -> c.s3Bucket(code.s3.bucket).s3Key(code.s3.key))).functionArn();
      String version = raw.lambda().publishVersion(r -> r.functionName(name)).version();
      FunctionStatus facts = new FunctionStatus();
      facts.name = f.name;
      facts.functionArn = arn;
      facts.aliasArn = raw.lambda().createAlias(r -> r.functionName(name).name(spec.stage).functionVersion(version)).aliasArn();
      facts.aliasVersion = version;
      facts.publishedVersion = version;
      fixtureFunctions.put(f.name, facts);
    }
    functions = functions(new Result(List.of()));
  }

  /** The stage alias ARN of a function of this service. */
  String aliasArn(String function) {
    return "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + physicalName(function) + ":" + spec.stage;
  }

  /** Source ARNs of the statements on a function's stage alias that let {@code principal} (e.g. sns.amazonaws.com) invoke it. */
  List<String> grantedSources(String function, String principal) throws IOException {
    String policy;
    try {
      policy = raw.lambda().getPolicy(r -> r.functionName(physicalName(function)).qualifier(spec.stage)).policy();
    } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException none) {
      return List.of();
    }
    List<String> sources = new ArrayList<>();
    for (JsonNode s : new ObjectMapper().readTree(policy).path("Statement")) {
      if (s.path("Principal").path("Service").asText().equals(principal)
          && s.path("Action").asText().equals("lambda:InvokeFunction")
          && s.path("Resource").asText().equals(aliasArn(function))) {
        sources.add(s.path("Condition").path("ArnLike").path("AWS:SourceArn").asText());
      }
    }
    return sources;
  }

  private static void pause(Duration retryAfter) {
    try {
      Thread.sleep(Math.min(retryAfter.toMillis(), LONGEST_PAUSE.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    operatorFactory.close();
    rawFactory.close();
  }
}
