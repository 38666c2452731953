package dev.slipway.aws.kinds;

import dev.slipway.testing.Artifacts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.v1alpha1.CodeSource;
import dev.slipway.api.v1alpha1.FunctionDefaults;
import dev.slipway.api.v1alpha1.FunctionDefaultsSpec;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.TopicSpec;
import dev.slipway.api.v1alpha1.FunctionStatus;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.ResourceLoop.Action;
import dev.slipway.aws.ResourceLoop.Outcome;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.testing.AwsFaults;
import java.util.Map;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/** The Lambda function kind against moto, driven by the generic resource loop as the reconciler drives it. */
class LambdaFunctionKindTest extends KindContractTest {

  private LambdaClient aws;
  private CodeSource v1;
  private FunctionSpec api;

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(KindHarness.bare(), new LambdaFunctionKind());
    aws = harness.raw().lambda();
    v1 = harness.upload("api-1.0.zip", "v1");
    api = harness.addFunction("api", v1);
    api.memoryMB = 256;
    api.timeoutSeconds = 10;
    api.description = "conversation API";
    api.environment.put("LOG_LEVEL", "info");
    api.reservedConcurrency = 5;
    return harness;
  }

  /**
   * Not among them: layers, tracing, ephemeral storage and the dead-letter target, which moto 5.2.1
   * cannot update or rejects (see newSettingsGoIntoTheCreateRequestAndAnUpdateCarriesOnlyWhatDiffers).
   */
  @Override
  protected List<Edit> edits() {
    return List.of(
        new Edit("api", List.of("memorySize"), s -> api.memoryMB = 512, List.of("UpdateFunctionConfiguration", "PublishVersion"), () -> {
          assertThat(function().configuration().memorySize()).isEqualTo(512);
          assertThat(aliasVersion()).isEqualTo("1");
          assertThat(stack.functionStatus("api").publishedVersion).isEqualTo("2");
          assertThat(stack.functionStatus("api").aliasVersion).isEqualTo("1");
        }),
        new Edit("api", List.of("code"), s -> api.code = stack.upload("api-2.0.zip", "v2"), List.of("UpdateFunctionCode", "PublishVersion"), () -> {
          assertThat(function().configuration().codeSha256()).isEqualTo(Artifacts.codeSha256(Artifacts.zip("v2")));
          assertThat(aliasVersion()).isEqualTo("1");
          FunctionStatus status = stack.functionStatus("api");
          assertThat(status.publishedVersion).isEqualTo("3");
          assertThat(status.aliasVersion).isEqualTo("1");
          assertThat(status.code).isEqualTo(api.code.describe());
          assertThat(status.codeSha256).isEqualTo(Artifacts.codeSha256(Artifacts.zip("v2")));
          assertThat(aws.getFunction(r -> r.functionName(name()).qualifier("3")).configuration().description()).startsWith("slipway code=" + api.code.describe());
        }),
        new Edit("api", List.of("reservedConcurrency"), s -> api.reservedConcurrency = null, List.of("DeleteFunctionConcurrency"),
            () -> assertThat(function().concurrency()).isNull()));
  }

  @Override
  protected List<Drift> drifts() {
    return List.of(
        // $LATEST equals version 1 again, which publish-if-needed finds by its description: no new version.
        new Drift("api", List.of("memorySize"), () -> aws.updateFunctionConfiguration(r -> r.functionName(name()).memorySize(1024)),
            List.of("UpdateFunctionConfiguration"), () -> {
              assertThat(function().configuration().memorySize()).isEqualTo(256);
              assertThat(stack.functionStatus("api").publishedVersion).isEqualTo("1");
            }),
        new Drift("api", List.of("code"), () -> {
          CodeSource rogue = stack.upload("rogue.zip", "rogue");
          aws.updateFunctionCode(r -> r.functionName(name()).s3Bucket(rogue.s3.bucket).s3Key(rogue.s3.key));
        }, List.of("UpdateFunctionCode"), () -> {
          assertThat(function().configuration().codeSha256()).isEqualTo(Artifacts.codeSha256(Artifacts.zip("v1")));
          assertThat(aliasVersion()).isEqualTo("1");
        }));
  }

  @Override
  protected List<Invalid> invalidInputs() {
    return List.of(
        Invalid.atValidation(s -> s.functions.get(0).deadLetter = yaml("topic: failures", FunctionSpec.DeadLetter.class),
            "function api, deadLetter: topic failures is not in spec.topics"),
        Invalid.atValidation(s -> s.functions.get(0).environmentFrom.put("LOG_LEVEL", yaml("parameter: log-level", FunctionSpec.EnvironmentSource.class)),
            "function api, environmentFrom LOG_LEVEL: also set in environment"),
        Invalid.atConverge("api", s -> s.functions.get(0).code.sha256 = Artifacts.codeSha256(Artifacts.zip("something else")),
            "CodeChecksumMismatch", "s3://" + KindHarness.BUCKET + "/api-1.0.zip"));
  }

  private String name() {
    return stack.physicalName("api");
  }

  private GetFunctionResponse function() {
    return aws.getFunction(r -> r.functionName(name()));
  }

  private String aliasVersion() {
    return aws.getAlias(r -> r.functionName(name()).name("prod")).functionVersion();
  }

  private static <T> T yaml(String yaml, Class<T> type) {
    return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(yaml, type);
  }

  private static Outcome only(Result result) {
    assertThat(result.outcomes()).hasSize(1);
    return result.outcomes().get(0);
  }

  @Override
  protected void assertDeclaredShape() {
    assertThat(stack.mutatingCalls()).containsExactly("CreateFunction", "PublishVersion", "PutFunctionConcurrency", "CreateAlias");

    GetFunctionResponse f = function();
    FunctionConfiguration c = f.configuration();
    assertThat(c.runtimeAsString()).isEqualTo("python3.12");
    assertThat(c.handler()).isEqualTo("handler.handler");
    assertThat(c.memorySize()).isEqualTo(256);
    assertThat(c.timeout()).isEqualTo(10);
    assertThat(c.architecturesAsStrings()).containsExactly("x86_64");
    assertThat(c.description()).isEqualTo("conversation API");
    assertThat(c.environment().variables()).isEqualTo(Map.of("LOG_LEVEL", "info"));
    assertThat(c.role()).endsWith(":role/slipway-test-lambda");
    assertThat(f.tags()).containsEntry("team", "chat").containsEntry("slipway.dev/stage", "prod");
    assertThat(f.concurrency().reservedConcurrentExecutions()).isEqualTo(5);

    var versions = aws.listVersionsByFunction(r -> r.functionName(name())).versions();
    assertThat(versions).extracting(FunctionConfiguration::version).containsExactly("$LATEST", "1");
    assertThat(versions.get(1).description()).startsWith("slipway code=" + v1.describe() + " config=");
    assertThat(aliasVersion()).isEqualTo("1");

    FunctionStatus status = stack.functionStatus("api");
    assertThat(status.functionArn).isEqualTo(c.functionArn());
    assertThat(status.aliasArn).isEqualTo(c.functionArn() + ":prod");
    assertThat(status.aliasVersion).isEqualTo("1");
    assertThat(status.publishedVersion).isEqualTo("1");
    assertThat(status.code).isEqualTo(v1.describe());
    assertThat(status.codeSha256).isEqualTo(c.codeSha256());
    assertThat(stack.context().outputs())
        .containsEntry(Outputs.functionArn("api"), c.functionArn())
        .containsEntry(Outputs.aliasArn("api"), c.functionArn() + ":prod");
    assertThat(only(stack.converge()).resource().id).isEqualTo(c.functionArn());
  }

  @Test
  void ephemeralStorageAndActiveTracingAreSetAtCreationAndThenLeftAlone() {
    api.ephemeralStorageMB = 2048;
    api.tracing = FunctionSpec.Tracing.Active;

    assertThat(only(stack.converge()).action()).isEqualTo(Action.Created);

    var c = function().configuration();
    assertThat(c.ephemeralStorage().size()).isEqualTo(2048);
    assertThat(c.tracingConfig().modeAsString()).isEqualTo("Active");
    assertThat(only(stack.converge()).action()).isEqualTo(Action.Unchanged);
    assertThat(stack.mutatingCalls()).isEmpty();
  }

  /**
   * Layers, storage, tracing and the dead-letter target in the requests, checked without moto: moto
   * 5.2.1 ignores DeadLetterConfig, applies neither TracingConfig nor EphemeralStorage on
   * UpdateFunctionConfiguration, and answers "LayerVersion does not exist" for a layer the Java SDK
   * published moments before (the same calls from the AWS CLI work).
   */
  @Test
  void newSettingsGoIntoTheCreateRequestAndAnUpdateCarriesOnlyWhatDiffers() {
    api.layers.addAll(List.of("arn:aws:lambda:us-east-1:123456789012:layer:b:3", "arn:aws:lambda:us-east-1:123456789012:layer:a:1"));
    api.ephemeralStorageMB = 1024;
    api.tracing = FunctionSpec.Tracing.Active;
    String queue = "arn:aws:sqs:us-east-1:123456789012:api-failures";
    LambdaFunctionKind.Desired d = new LambdaFunctionKind.Desired("api", name(), api, "arn:aws:iam::123456789012:role/r", Map.of(), queue, null);

    var create = software.amazon.awssdk.services.lambda.model.CreateFunctionRequest.builder();
    FunctionSettings.create(create, d);
    var request = create.build();
    assertThat(request.layers()).containsExactlyElementsOf(api.layers);
    assertThat(request.ephemeralStorage().size()).isEqualTo(1024);
    assertThat(request.tracingConfig().modeAsString()).isEqualTo("Active");
    assertThat(request.deadLetterConfig().targetArn()).isEqualTo(queue);

    var update = FunctionSettings.update(d, new dev.slipway.aws.Delta(List.of(
        new dev.slipway.aws.Delta.Difference("layers", api.layers, List.of()), new dev.slipway.aws.Delta.Difference("deadLetter", queue, ""))));
    assertThat(update.layers()).containsExactlyElementsOf(api.layers);
    assertThat(update.deadLetterConfig().targetArn()).isEqualTo(queue);
    assertThat(update.memorySize()).as("only what differs").isNull();
    assertThat(update.tracingConfig()).isNull();
  }

  @Test
  void anAliasDeletedBehindOurBackIsRecreatedAtTheVersionItHad() {
    stack.converge();
    api.memoryMB = 512;
    stack.converge(); // publishes version 2; the alias stays on 1 until a release moves it
    aws.deleteAlias(r -> r.functionName(name()).name("prod"));

    Outcome outcome = only(stack.converge());

    assertThat(outcome.delta().describe()).isEqualTo("alias: null -> prod");
    assertThat(stack.mutatingCalls()).containsExactly("CreateAlias");
    assertThat(aliasVersion()).isEqualTo("1");
    assertThat(stack.functionStatus("api").aliasVersion).isEqualTo("1");
  }

  @Test
  void anExistingFunctionWithTheExpectedNameIsAdoptedNotDuplicated() {
    stack.adopt("LambdaFunction");
    aws.createFunction(r -> r.functionName(name())
        .runtime("python3.12").handler("handler.handler").role(stack.roleArn())
        .code(c -> c.s3Bucket(v1.s3.bucket).s3Key(v1.s3.key))
        .memorySize(128));

    Outcome outcome = only(stack.converge());

    assertThat(outcome.action()).isEqualTo(Action.Adopted);
    assertThat(outcome.delta().differsAt("memorySize")).isTrue();
    // Nothing tells which code the foreign function holds, so the spec's is uploaded once.
    assertThat(outcome.delta().differsAt("code")).isTrue();
    assertThat(function().configuration().memorySize()).isEqualTo(256);
    assertThat(aliasVersion()).isEqualTo(stack.functionStatus("api").publishedVersion);
    assertThat(aws.listFunctions().functions()).filteredOn(f -> f.functionName().equals(name())).hasSize(1);
    stack.converge();
    assertThat(stack.mutatingCalls()).isEmpty();
  }

  @Test
  void aFunctionOfOursIsRecognisedByItsVersionDescriptionWhenStatusIsLost() {
    stack.converge();
    stack.forgetStatus();

    Outcome outcome = only(stack.converge());

    assertThat(outcome.action()).isEqualTo(Action.Adopted);
    assertThat(stack.mutatingCalls()).isEmpty();
    assertThat(stack.functionStatus("api").publishedVersion).isEqualTo("1");
    assertThat(stack.functionStatus("api").code).isEqualTo(v1.describe());
  }

  @Test
  void tagsChangeOnlyThemselves() {
    stack.converge();
    stack.spec().tags.remove("team");
    stack.spec().tags.put("cost-center", "42");

    stack.converge();

    assertThat(stack.mutatingCalls()).containsExactlyInAnyOrder("TagResource", "UntagResource");
    GetFunctionResponse f = function();
    assertThat(f.tags()).containsEntry("cost-center", "42").doesNotContainKey("team");
    stack.converge();
    assertThat(stack.mutatingCalls()).isEmpty();
  }

  @Test
  void aPinnedChecksumThatMatchesIsAccepted() throws Exception {
    api.code.sha256 = Artifacts.codeSha256(Artifacts.zip("v1"));

    assertThat(only(stack.converge()).action()).isEqualTo(Action.Created);
    stack.converge();
    assertThat(stack.mutatingCalls()).isEmpty();
  }

  @Test
  void aPinnedChecksumThatDoesNotMatchIsATerminalError() throws Exception {
    stack.converge();
    CodeSource v2 = stack.upload("api-2.0.zip", "v2");
    v2.sha256 = Artifacts.codeSha256(Artifacts.zip("something else"));
    api.code = v2;

    Outcome outcome = only(stack.converge());

    assertThat(outcome.action()).isEqualTo(Action.Failed);
    assertThat(AwsErrors.reason(outcome.error())).isEqualTo("CodeChecksumMismatch");
    assertThat(AwsErrors.isRetryable(outcome.error())).isFalse();
    // Nothing was published from the wrong code, and the alias still serves version 1.
    assertThat(stack.mutatingCalls()).containsExactly("UpdateFunctionCode");
    assertThat(aliasVersion()).isEqualTo("1");
  }

  @Test
  void deleteRemovesAliasesAndFunctionAndTreatsNotFoundAsDone() {
    stack.converge();

    assertThat(stack.delete()).isEmpty();
    assertThat(stack.mutatingCalls()).containsExactly("DeleteAlias", "DeleteFunction");
    assertThatThrownBy(this::function).isInstanceOf(ResourceNotFoundException.class);

    assertThat(stack.delete()).isEmpty();
    assertThat(stack.mutatingCalls()).isEmpty();
  }

  @Test
  void settingsInheritedFromFunctionDefaultsReachLambdaAndAChangeOfThemUpdatesOnlyTheFunctionsThatInherit() {
    FunctionSpec worker = stack.addFunction("worker", v1);
    worker.runtime = null;
    stack.spec().functionDefaults = new FunctionDefaultsSpec();
    stack.spec().functionDefaults.runtime = FunctionSpec.Runtime.PYTHON_3_11;
    stack.spec().functionDefaults.memoryMB = 512;
    stack.spec().functionDefaults.timeoutSeconds = 20;
    stack.spec().functionDefaults.environment.put("STAGE", "prod");
    stack.converge();

    FunctionConfiguration w = aws.getFunction(r -> r.functionName(stack.physicalName("worker"))).configuration();
    assertThat(w.runtimeAsString()).isEqualTo("python3.11");
    assertThat(w.memorySize()).isEqualTo(512);
    assertThat(w.timeout()).isEqualTo(20);
    assertThat(w.environment().variables()).isEqualTo(Map.of("STAGE", "prod"));
    FunctionConfiguration a = function().configuration();
    assertThat(a.runtimeAsString()).isEqualTo("python3.12");
    assertThat(a.memorySize()).isEqualTo(256);
    assertThat(a.environment().variables()).isEqualTo(Map.of("LOG_LEVEL", "info", "STAGE", "prod"));

    stack.spec().functionDefaults.memoryMB = 1024;
    Result changed = stack.converge();

    assertThat(changed.outcomes()).filteredOn(o -> o.resource().name.equals("worker")).singleElement()
        .satisfies(o -> assertThat(o.delta().describe()).isEqualTo("memorySize: 512 -> 1024"));
    assertThat(changed.outcomes()).filteredOn(o -> o.resource().name.equals("api")).singleElement()
        .satisfies(o -> assertThat(o.action()).isEqualTo(Action.Unchanged));
    assertThat(aws.getFunction(r -> r.functionName(stack.physicalName("worker"))).configuration().memorySize()).isEqualTo(1024);
  }

  @Test
  void aZipFunctionNeedsARuntimeOfItsOwnOrFromFunctionDefaults() {
    api.runtime = null;
    assertThat(new LambdaFunctionKind().validate(FunctionDefaults.resolve(stack.spec())))
        .containsExactly("function api is a zip function and needs runtime (its own or spec.functionDefaults.runtime) and handler");

    stack.spec().functionDefaults = new FunctionDefaultsSpec();
    stack.spec().functionDefaults.runtime = FunctionSpec.Runtime.PYTHON_3_12;
    assertThat(new LambdaFunctionKind().validate(FunctionDefaults.resolve(stack.spec()))).isEmpty();
  }

  @Test
  void anInheritedVariableGivesWayToTheFunctionsEnvironmentFromWithoutAConflict() {
    stack.spec().functionDefaults = new FunctionDefaultsSpec();
    stack.spec().functionDefaults.environment.put("ALERTS", "inherited");
    FunctionSpec.EnvironmentSource topic = new FunctionSpec.EnvironmentSource();
    topic.topic = "alerts";
    api.environmentFrom.put("ALERTS", topic);
    TopicSpec alerts = new TopicSpec();
    alerts.name = "alerts";
    stack.spec().topics.add(alerts);

    assertThat(new LambdaFunctionKind().validate(FunctionDefaults.resolve(stack.spec()))).isEmpty();
    api.environment.put("ALERTS", "own");
    assertThat(new LambdaFunctionKind().validate(FunctionDefaults.resolve(stack.spec()))).containsExactly("function api, environmentFrom ALERTS: also set in environment");
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.rest("POST", "/2015-03-31/functions");
  }
}
