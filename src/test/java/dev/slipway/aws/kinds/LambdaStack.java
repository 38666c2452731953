package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.CodeSource;
import dev.slipway.api.v1alpha1.FunctionDefaults;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.FunctionStatus;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.AwsCallRecorder;
import dev.slipway.aws.AwsClientFactory;
import dev.slipway.aws.AwsClients;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.AwsTarget;
import dev.slipway.aws.EventSink;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.ResourceLoop;
import dev.slipway.aws.StackContext;
import dev.slipway.testing.Artifacts;
import dev.slipway.testing.MotoServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * One ServerlessService's functions converged against moto the way the reconciler does it: a
 * StackContext per reconcile, built from the status the previous reconcile left, and the generic
 * ResourceLoop over {@link LambdaFunctionKind}. What the test does "behind Slipway's back" goes
 * through {@link #backdoor()}, whose calls the operator's call recorder does not see.
 */
final class LambdaStack {

  static final String REGION = "us-east-1";
  static final String BUCKET = "slipway-test-artifacts";
  private static final AtomicInteger SERVICES = new AtomicInteger();
  private static final ExecutorService EXECUTOR = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "lambda-stack");
    t.setDaemon(true);
    return t;
  });
  private static final StaticCredentialsProvider DUMMY = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

  final AwsCallRecorder recorder = new AwsCallRecorder(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), AwsCallRecorder.TEST_LOG_SIZE);
  final ServerlessServiceSpec spec = new ServerlessServiceSpec();
  final String serviceName = "svc" + SERVICES.incrementAndGet();
  private final AwsClients aws;
  private final AwsClients backdoor;
  private final LambdaFunctionKind kind = new LambdaFunctionKind();
  private final String roleArn;
  private List<ManagedResource> resources = List.of();
  private List<FunctionStatus> functions = List.of();
  private StackContext last;

  /** A stack whose operator talks to moto directly. */
  LambdaStack() {
    this(MotoServer.shared().endpoint());
  }

  /** A stack whose operator talks to {@code endpoint} (moto, or a test double in front of it). */
  LambdaStack(URI endpoint) {
    this.aws = new AwsClientFactory(Optional.of(endpoint), recorder, DUMMY).forTarget(AwsTarget.of(REGION, null));
    this.backdoor =
        new AwsClientFactory(Optional.of(MotoServer.shared().endpoint()), new AwsCallRecorder(), DUMMY).forTarget(AwsTarget.of(REGION, null));
    spec.stage = "prod";
    spec.region = REGION;
    spec.tags = new LinkedHashMap<>(Map.of("team", "chat"));
    this.roleArn = executionRole();
  }

  /** The clients of someone else acting on the same account: setup and drift. */
  AwsClients backdoor() {
    return backdoor;
  }

  /** The operator's Lambda client: its calls are recorded. */
  LambdaClient operatorLambda() {
    return aws.lambda();
  }

  String roleArn() {
    return roleArn;
  }

  LambdaClient lambda() {
    return backdoor.lambda();
  }

  /** A function of this service with the defaults of the examples; the test adjusts it. */
  FunctionSpec addFunction(String name, CodeSource code) {
    FunctionSpec f = new FunctionSpec();
    f.name = name;
    f.runtime = FunctionSpec.Runtime.PYTHON_3_12;
    f.handler = "handler.handler";
    f.code = code;
    spec.functions.add(f);
    return f;
  }

  /** One reconcile: the recorder is cleared first, so it shows the calls of this converge only. */
  ResourceLoop.Result converge() {
    recorder.clear();
    last = new StackContext(aws, "test", serviceName, FunctionDefaults.resolve(spec), resources, functions);
    // The role is another kind's: published as the role kind would, so the functions' plan finds it.
    spec.functions.forEach(f -> last.publish(Outputs.roleArn(f.name), roleArn));
    ResourceLoop.Result result = new ResourceLoop(EXECUTOR).converge(last, List.copyOf(kind.plan(last)), EventSink.NONE);
    resources = result.resources();
    Map<String, FunctionStatus> converged = result.facts(LambdaFunctionKind.KIND, FunctionStatus.class);
    List<FunctionStatus> previous = functions;
    functions = spec.functions.stream()
        .map(f -> converged.getOrDefault(f.name, previous.stream().filter(p -> p.name.equals(f.name)).findFirst().orElse(null)))
        .filter(java.util.Objects::nonNull)
        .toList();
    return result;
  }

  /** Deletes what the last converge recorded; returns the entries that could not be deleted. */
  List<ResourceLoop.Outcome> delete() {
    recorder.clear();
    Map<String, AwsResourceKind<?, ?>> kinds = Map.of(LambdaFunctionKind.KIND, kind);
    return new ResourceLoop(EXECUTOR).deleteAll(last, new ArrayList<>(resources), kinds, EventSink.NONE);
  }

  /** Forgets the status, as if the ServerlessService had been recreated over existing resources. */
  void loseStatus() {
    resources = List.of();
    functions = List.of();
  }

  FunctionStatus status(String function) {
    return functions.stream().filter(f -> f.name.equals(function)).findFirst().orElseThrow();
  }

  StackContext context() {
    return last;
  }

  String physicalName(String function) {
    return serviceName + "-" + spec.stage + "-" + function;
  }

  /** Names of the mutating AWS operations of the last converge or delete, in order. */
  List<String> mutatingCalls() {
    return recorder.mutatingCalls().stream().map(AwsCallRecorder.Call::operation).toList();
  }

  /** Uploads a real zip with a small Python handler returning {@code body}, under a key unique to this stack. */
  CodeSource upload(String key, String body) {
    String fullKey = serviceName + "/" + key;
    Artifacts.upload(backdoor.s3(), BUCKET, fullKey, body);
    return CodeSource.s3(BUCKET, fullKey);
  }

  /** The execution role: another kind's job in the operator, so the test creates it directly. */
  private String executionRole() {
    String trust =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
    String name = "slipway-test-lambda";
    try {
      return backdoor.iam().createRole(r -> r.roleName(name).assumeRolePolicyDocument(trust)).role().arn();
    } catch (EntityAlreadyExistsException e) {
      return backdoor.iam().getRole(r -> r.roleName(name)).role().arn();
    }
  }
}
