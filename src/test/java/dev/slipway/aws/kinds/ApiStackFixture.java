package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.RestApiSpec;
import dev.slipway.api.v1alpha1.RestApiSpec.Method;
import dev.slipway.api.v1alpha1.RestApiSpec.Route;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.api.v1alpha1.WebSocketApiSpec;
import dev.slipway.aws.AwsCallRecorder;
import dev.slipway.aws.AwsClientFactory;
import dev.slipway.aws.AwsClients;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.AwsTarget;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.EventSink;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.Planned;
import dev.slipway.aws.ResourceLoop;
import dev.slipway.aws.StackContext;
import dev.slipway.testing.Artifacts;
import dev.slipway.testing.MotoServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException;

/**
 * The nexus stack of the API kinds' tests, against moto: the functions and their stage aliases made
 * directly with the SDK (the Lambda kind is tested on its own), their alias ARNs published into a
 * {@link StackContext} as the Lambda kind would, and the kind under test driven by the real
 * {@link ResourceLoop}. Every fixture uses its own service name, so tests share one moto server.
 */
final class ApiStackFixture implements AutoCloseable {

  static final String REGION = "us-east-1";
  private static final String BUCKET = "slipway-apigw-test-code";
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  final MotoServer moto = MotoServer.shared();
  final AwsCallRecorder recorder = new AwsCallRecorder(new SimpleMeterRegistry(), AwsCallRecorder.TEST_LOG_SIZE);
  final AwsClientFactory factory =
      new AwsClientFactory(Optional.of(moto.endpoint()), recorder, StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
  final AwsClients aws = factory.forTarget(AwsTarget.of(REGION, null));
  final String service = "nexus" + SEQUENCE.incrementAndGet();
  final ServerlessServiceSpec spec = nexusSpec();
  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  private List<ManagedResource> status = List.of();
  private Map<String, String> lastOutputs = Map.of();

  ApiStackFixture() {
    String role = role();
    String code = code();
    for (FunctionSpec f : spec.functions) {
      createFunction(f.name, role, code);
    }
  }

  /** The nexus API part of examples/nexus.yaml: three REST routes with CORS, three WebSocket routes. */
  private ServerlessServiceSpec nexusSpec() {
    ServerlessServiceSpec s = new ServerlessServiceSpec();
    s.stage = "prod";
    s.region = REGION;
    s.tags = Map.of("team", "chat");
    for (String name : List.of("conversation-api", "prompt-crud", "usage-handler", "websocket-connect", "websocket-disconnect", "websocket-message")) {
      FunctionSpec f = new FunctionSpec();
      f.name = name;
      f.runtime = FunctionSpec.Runtime.PYTHON_3_12;
      f.handler = "handler.handler";
      s.functions.add(f);
    }
    s.restApi = new RestApiSpec();
    s.restApi.cors = new RestApiSpec.Cors();
    s.restApi.cors.allowOrigins = new ArrayList<>(List.of("https://nexus.example.com"));
    s.restApi.cors.allowHeaders = new ArrayList<>(List.of("Content-Type", "Authorization"));
    List<Method> crud = List.of(Method.GET, Method.POST, Method.PUT, Method.DELETE);
    s.restApi.routes = new ArrayList<>(List.of(
        new Route("/conversations", crud, "conversation-api"),
        new Route("/prompts", crud, "prompt-crud"),
        new Route("/usage", List.of(Method.GET), "usage-handler")));
    s.webSocketApi = new WebSocketApiSpec();
    s.webSocketApi.routes.put("$connect", "websocket-connect");
    s.webSocketApi.routes.put("$disconnect", "websocket-disconnect");
    s.webSocketApi.routes.put("$default", "websocket-message");
    return s;
  }

  /** A fresh context as a reconcile builds it: the last status, and the Lambda kind's outputs. */
  StackContext context() {
    StackContext ctx = new StackContext(aws, "chat", service, spec, status, List.of());
    for (FunctionSpec f : spec.functions) {
      ctx.publish(Outputs.aliasArn(f.name), aliasArn(f.name));
    }
    return ctx;
  }

  String functionName(String function) {
    return service + "-prod-" + function;
  }

  String aliasArn(String function) {
    return "arn:aws:lambda:" + REGION + ":123456789012:function:" + functionName(function) + ":prod";
  }

  /** Runs the loop over the one resource {@code desired} describes (logical {@code name}) and records its status entry. */
  <D extends DesiredResource, O> ResourceLoop.Outcome converge(AwsResourceKind<D, O> kind, String name, Function<StackContext, D> desired) {
    StackContext ctx = context();
    D d = desired.apply(ctx);
    ResourceLoop.Result result = new ResourceLoop(executor).converge(ctx, List.of(new Planned<>(kind, name, d.physicalName(), List.of(), c -> d)), EventSink.NONE);
    ResourceLoop.Outcome outcome = result.outcomes().get(0);
    assertThat(outcome.error()).as("converge error").isNull();
    status = result.resources();
    lastOutputs = ctx.outputs();
    return outcome;
  }

  /** Runs the loop over every resource {@code kinds} plan from the fixture's spec, as a reconcile would, and records the status. */
  ResourceLoop.Result converge(List<AwsResourceKind<?, ?>> kinds) {
    StackContext ctx = context();
    List<Planned<?, ?>> plan = new ArrayList<>();
    kinds.forEach(k -> plan.addAll(k.plan(ctx)));
    ResourceLoop.Result result = new ResourceLoop(executor).converge(ctx, plan, EventSink.NONE);
    status = result.resources();
    lastOutputs = ctx.outputs();
    return result;
  }

  /** Deletes what the last converge recorded, as the reconciler does under deletionPolicy Delete. */
  List<ResourceLoop.Outcome> deleteAll(List<AwsResourceKind<?, ?>> kinds) {
    Map<String, AwsResourceKind<?, ?>> byName = new java.util.HashMap<>();
    kinds.forEach(k -> byName.put(k.info().name(), k));
    return new ResourceLoop(executor).deleteAll(context(), status, byName, EventSink.NONE);
  }

  /** The status entries the last converge recorded. */
  List<ManagedResource> status() {
    return status;
  }

  /** The outputs the last converge published. */
  Map<String, String> outputs() {
    return lastOutputs;
  }

  /** Source ARNs of the statements on the function's stage alias that grant API Gateway invocation. */
  List<String> grantedSources(String function) throws IOException {
    String policy;
    try {
      policy = aws.lambda().getPolicy(r -> r.functionName(functionName(function)).qualifier("prod")).policy();
    } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException none) {
      return List.of();
    }
    List<String> sources = new ArrayList<>();
    for (JsonNode s : new ObjectMapper().readTree(policy).path("Statement")) {
      if (s.path("Principal").path("Service").asText().equals("apigateway.amazonaws.com")
          && s.path("Action").asText().equals("lambda:InvokeFunction")
          && s.path("Resource").asText().equals(aliasArn(function))) {
        sources.add(s.path("Condition").path("ArnLike").path("AWS:SourceArn").asText());
      }
    }
    return sources;
  }

  /** Names of the mutating calls since the last {@link #resetCalls()}, in order. */
  List<String> mutatingCalls() {
    return recorder.mutatingCalls().stream().map(AwsCallRecorder.Call::operation).toList();
  }

  void resetCalls() {
    recorder.clear();
  }

  private String role() {
    try {
      return aws.iam().createRole(r -> r.roleName("slipway-apigw-test").assumeRolePolicyDocument(
          "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"))
          .role().arn();
    } catch (EntityAlreadyExistsException e) {
      return aws.iam().getRole(r -> r.roleName("slipway-apigw-test")).role().arn();
    }
  }

  /** A real zip in moto's S3, as functions' code comes from S3 in the spec. */
  private String code() {
    Artifacts.upload(aws.s3(), BUCKET, "backend.zip", "ok");
    return "backend.zip";
  }

  private void createFunction(String function, String role, String key) {
    String name = functionName(function);
    aws.lambda().createFunction(r -> r.functionName(name).runtime(FunctionSpec.Runtime.PYTHON_3_12.id()).role(role).handler("handler.handler")
        .code(c -> c.s3Bucket(BUCKET).s3Key(key)));
    String version = aws.lambda().publishVersion(r -> r.functionName(name)).version();
    String arn = aws.lambda().createAlias(r -> r.functionName(name).name("prod").functionVersion(version)).aliasArn();
    assertThat(arn).isEqualTo(aliasArn(function));
  }

  @Override
  public void close() {
    executor.shutdownNow();
    factory.close();
  }
}
