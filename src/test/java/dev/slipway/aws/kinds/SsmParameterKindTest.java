package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.ParameterSpec;
import dev.slipway.api.v1alpha1.SecretKeyRef;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.PolicyStatement;
import dev.slipway.aws.ResourceLoop.Action;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Tags;
import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ResourceTypeForTagging;
import software.amazon.awssdk.services.ssm.model.Tag;

class SsmParameterKindTest extends KindContractTest {

  /** A value that must reach SSM and nothing else. */
  private static final String MARKER = "marker-7f3a9c-secret";
  private static final String LOG_LEVEL = "/nexus-prod/config/log-level";

  private SsmClient ssm;

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(withParameters(), new SsmParameterKind());
    harness.secrets.put("nexus-secrets/openai", MARKER);
    ssm = harness.raw().ssm();
    return harness;
  }

  @Override
  protected List<Edit> edits() {
    return List.of(
        new Edit("config/log-level", List.of("value"), s -> s.parameters.get(0).value = "warn", List.of("PutParameter"),
            () -> assertThat(parameter(LOG_LEVEL).value()).isEqualTo("warn")),
        new Edit("config/log-level", List.of("description"), s -> s.parameters.get(0).description = "log level of the handlers", List.of("PutParameter"),
            () -> assertThat(ssm.describeParameters().parameters()).anySatisfy(p -> assertThat(p.description()).isEqualTo("log level of the handlers"))));
  }

  @Override
  protected List<Drift> drifts() {
    return List.of(new Drift("config/log-level", List.of("value"),
        () -> ssm.putParameter(r -> r.name(LOG_LEVEL).value("debug").type("String").overwrite(true)), List.of("PutParameter"), () -> {
          assertThat(stack.outcomes()).filteredOn(o -> o.action() == Action.Updated).singleElement()
              .satisfies(o -> assertThat(o.resource().message).isEqualTo("updated value: debug -> info"));
          assertThat(parameter(LOG_LEVEL).value()).isEqualTo("info");
        }));
  }

  @Override
  protected List<Invalid> invalidInputs() {
    return List.of(Invalid.atConverge("openai-key", s -> s.parameters.get(2).valueFrom.secretKeyRef = new SecretKeyRef("nexus-secrets", "absent"),
        "SecretNotFound", "Secret chat/nexus-secrets has no key absent"));
  }

  private static ServerlessServiceSpec withParameters() {
    ServerlessServiceSpec spec = KindHarness.nexus();
    ParameterSpec level = new ParameterSpec();
    level.name = "config/log-level";
    level.value = "info";
    level.description = "log level of every handler";
    ParameterSpec origins = new ParameterSpec();
    origins.name = "allowed-origins";
    origins.type = ParameterSpec.Type.StringList;
    origins.value = "https://a.example.com,https://b.example.com";
    ParameterSpec key = new ParameterSpec();
    key.name = "openai-key";
    key.type = ParameterSpec.Type.SecureString;
    key.valueFrom = new ParameterSpec.ValueFrom();
    key.valueFrom.secretKeyRef = new SecretKeyRef("nexus-secrets", "openai");
    spec.parameters.addAll(List.of(level, origins, key));
    return spec;
  }

  @Override
  protected void assertDeclaredShape() {
    assertThat(parameter("/nexus-prod/openai-key")).satisfies(p -> {
      assertThat(p.typeAsString()).isEqualTo("SecureString");
      assertThat(p.value()).isEqualTo(MARKER);
    });
    assertThat(parameter("/nexus-prod/allowed-origins").typeAsString()).isEqualTo("StringList");
    assertThat(parameter("/nexus-prod/config/log-level").value()).isEqualTo("info");
    assertThat(tags("/nexus-prod/openai-key")).containsEntry(Tags.SERVICE, "chat.nexus").containsEntry("team", "chat");
    assertThat(stack.context().outputs()).containsEntry("parameter.openai-key.name", "/nexus-prod/openai-key")
        .containsEntry("parameter.config.log-level.name", LOG_LEVEL);
    assertNoMarkerAnywhere();
  }

  @Test
  void aChangedSecretIsOnePutThatShowsNoValue() {
    stack.settle();

    stack.secrets.put("nexus-secrets/openai", MARKER + "-rotated");
    Result rotated = stack.converge();

    assertThat(stack.mutatingCalls()).containsExactly("PutParameter");
    assertThat(rotated.outcomes()).filteredOn(o -> o.action() == Action.Updated).singleElement()
        .satisfies(o -> assertThat(o.resource().message).isEqualTo("updated value: (redacted) -> (redacted)"));
    assertThat(parameter("/nexus-prod/openai-key").value()).isEqualTo(MARKER + "-rotated");
    assertNoMarkerAnywhere();
  }

  @Test
  void aMissingSecretFailsOnlyItsParameterWithAReasonAndNoValue() {
    stack.secrets.clear();

    Result result = stack.converge();

    assertThat(result.outcomes()).extracting(o -> o.resource().name + " " + o.action())
        .containsExactlyInAnyOrder("config/log-level Created", "allowed-origins Created", "openai-key Failed");
    assertThat(result.firstFailure().orElseThrow().resource().message)
        .isEqualTo("SecretNotFound: Secret chat/nexus-secrets has no key openai");
  }

  @Test
  void aReadingFunctionIsGrantedExactlyItsParametersAndTheKeyOfACustomerManagedOne() {
    ServerlessServiceSpec spec = withParameters();
    spec.parameters.get(2).kmsKeyId = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    FunctionSpec f = spec.functions.get(0);
    f.parameters.add(new FunctionSpec.NamedRef("openai-key"));
    f.parameters.add(new FunctionSpec.NamedRef("config/log-level"));
    StackContext ctx = new StackContext(null, "chat", "nexus", spec, List.of(), List.of());

    List<PolicyStatement> grants = new SsmParameterKind().grants(ctx, new PolicyStatement.Scope("us-east-1", "123456789012"), f);

    assertThat(grants).containsExactly(
        new PolicyStatement("SSMParameters", List.of("ssm:GetParameter", "ssm:GetParameters"), List.of(
            "arn:aws:ssm:us-east-1:123456789012:parameter/nexus-prod/openai-key", "arn:aws:ssm:us-east-1:123456789012:parameter/nexus-prod/config/log-level")),
        new PolicyStatement("SSMParametersKms", List.of("kms:Decrypt"), List.of(spec.parameters.get(2).kmsKeyId)));
    assertThat(new SsmParameterKind().grants(ctx, new PolicyStatement.Scope("us-east-1", "123456789012"), spec.functions.get(1))).isEmpty();
  }

  /** The marker may be in SSM only: not in status entries, outputs, events or the call log. */
  private void assertNoMarkerAnywhere() {
    assertThat(stack.status()).allSatisfy(r -> assertThat(r.toString() + r.message + r.id + r.physicalName).doesNotContain(MARKER));
    assertThat(stack.context().outputs().toString()).doesNotContain(MARKER);
    assertThat(stack.events).isNotEmpty().allSatisfy(e -> assertThat(e).doesNotContain(MARKER));
    assertThat(stack.recorder.calls()).allSatisfy(c -> assertThat(c.toString()).doesNotContain(MARKER));
  }

  private Parameter parameter(String name) {
    return ssm.getParameter(r -> r.name(name).withDecryption(true)).parameter();
  }

  private Map<String, String> tags(String name) {
    return ssm.listTagsForResource(r -> r.resourceType(ResourceTypeForTagging.PARAMETER).resourceId(name)).tagList().stream()
        .collect(Collectors.toMap(Tag::key, Tag::value));
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.operation("PutParameter");
  }
}
