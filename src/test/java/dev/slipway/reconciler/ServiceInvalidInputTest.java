package dev.slipway.reconciler;

import static dev.slipway.testing.AwsFaults.createFunction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ParameterSpec;
import dev.slipway.api.v1alpha1.SecretKeyRef;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.Slipway;
import dev.slipway.status.Reasons;
import dev.slipway.testing.MotoServer;
import dev.slipway.testing.SlipwayTestEnvironment;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Invalid specs and inputs: a clear condition and an event, no hot loop; secrets reach only where they
 * belong; objects the service does not own are left alone.
 * See {@link ServiceReconcilerTestBase} for the environment.
 */
@QuarkusTest
@WithTestResource(SlipwayTestEnvironment.class)
class ServiceInvalidInputTest extends ServiceReconcilerTestBase {

  // ---------------------------------------------------------------------------------------------
  // Invalid specs: a clear condition, an event, no hot loop
  // ---------------------------------------------------------------------------------------------

  @Test
  void aFunctionNameTooLongForLambdaIsAnInvalidSpecReportedOnce() {
    ServerlessService service = small("toolong");
    service.getSpec().namePrefix = "a-very-long-prefix-for-this-test"; // 32 characters, the most the schema allows
    function(service, "api").name = "function-with-a-name-of-forty-characters";
    service.getSpec().functions.get(0).tables.clear();
    create(service);

    ServerlessService s = awaitCondition("toolong", "Ready", "False", "InvalidSpec");
    assertThat(condition(s, "Ready").getMessage()).contains("longer than 64 characters");
    assertCondition(s, "Degraded", "True", "InvalidSpec");
    assertCondition(s, "Reconciling", "False", "InvalidSpec");
    // kstatus (Flux, kubectl wait tools): Failed, with the same reason and message, not InProgress.
    assertCondition(s, "Stalled", "True", "InvalidSpec");
    assertThat(condition(s, "Stalled").getMessage()).isEqualTo(condition(s, "Ready").getMessage());
    assertThat(s.getStatus().observedGeneration).isEqualTo(1L);

    // Over several resync periods: one Warning, and not one AWS call for this service.
    await().during(RESYNC.multipliedBy(3)).atMost(RESYNC.multipliedBy(5))
        .untilAsserted(() -> assertThat(events("toolong", e -> e.getType().equals("Warning"))).singleElement().satisfies(e -> {
          assertThat(e.getReason()).isEqualTo("InvalidSpec");
          assertThat(e.getMessage()).contains("a-very-long-prefix-for-this-test-function-with-a-name-of-forty-characters");
        }));
    assertThat(faults.journal()).noneMatch(r -> r.body().contains("a-very-long-prefix-for-this-test") || r.path().contains("a-very-long-prefix-for-this-test"));

    // Nothing is due before the spec changes, yet a reconcile request is handled at once (issue 12).
    client.resources(ServerlessService.class).inNamespace(ns).withName("toolong").edit(x -> {
      x.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of(Slipway.RECONCILE_REQUESTED_AT, "2026-12-04T20:00:00Z")));
      return x;
    });
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(get("toolong").getStatus().lastHandledReconcileAt).isEqualTo("2026-12-04T20:00:00Z"));
    assertThat(get("toolong").getMetadata().getGeneration()).isEqualTo(1L);

    // The fixed spec converges, and Stalled is gone (abnormal-true: absent when nothing stalls it).
    long fixed = edit("toolong", x -> x.getSpec().functions.get(0).name = "api");
    ServerlessService ready = awaitReady("toolong", fixed);
    assertThat(ready.getStatus().conditions).extracting(Condition::getType).doesNotContain("Stalled");
  }

  @Test
  void codeInABucketThatDoesNotExistIsTerminalAndRetriedOnlyAtTheResyncPeriod() {
    ServerlessService service = small("nobucket");
    function(service, "api").code.s3.bucket = "slipway-no-such-bucket";
    create(service);

    ServerlessService s = awaitCondition("nobucket", "Degraded", "True", null);
    Condition ready = condition(s, "Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("AwsRejected");
    assertThat(ready.getMessage()).startsWith("LambdaFunction nobucket-prod-api: ");
    assertCondition(s, "Reconciling", "False", "AwsRejected");
    assertThat(resource(s, "LambdaFunction", "api").state).isEqualTo(ManagedResource.State.Failed);
    assertThat(resource(s, "DynamoDBTable", "items").state).isEqualTo(ManagedResource.State.Ready);
    assertThat(events("nobucket", e -> e.getType().equals("Warning"))).isNotEmpty()
        .allSatisfy(e -> assertThat(e.getReason()).isEqualTo("AwsRejected"));

    assertAttemptsOnlyAtTheResyncPeriod(createFunction("nobucket-prod-api"));
  }

  @Test
  void aParameterFollowsItsSecretAndAnUnlabelledSecretIsNamedAsTheReason() {
    client.resource(new SecretBuilder().withNewMetadata().withName("keys").withNamespace(ns).endMetadata()
        .addToStringData("api", "first-value").build()).create();
    ServerlessService service = small("param");
    ParameterSpec key = new ParameterSpec();
    key.name = "api-key";
    key.type = ParameterSpec.Type.SecureString;
    key.valueFrom = new ParameterSpec.ValueFrom();
    key.valueFrom.secretKeyRef = new SecretKeyRef("keys", "api");
    service.getSpec().parameters.add(key);
    create(service);

    ServerlessService refused = awaitCondition("param", "Ready", "False", "SecretNotFound");
    assertThat(condition(refused, "Ready").getMessage())
        .isEqualTo("SSMParameter /param-prod/api-key: Secret " + ns + "/keys lacks the label slipway.dev/parameter-source=true that lets Slipway read it");
    // Everything that does not need the parameter converged beside it.
    assertThat(resource(refused, "LambdaFunction", "api").state).isEqualTo(ManagedResource.State.Ready);

    client.secrets().inNamespace(ns).withName("keys").edit(s -> {
      s.getMetadata().setLabels(Map.of(Slipway.SECRET_SOURCE_LABEL, "true"));
      return s;
    });
    awaitReady("param", 1);
    assertThat(parameterValue("/param-prod/api-key")).isEqualTo("first-value");

    client.secrets().inNamespace(ns).withName("keys").edit(s -> {
      s.setStringData(Map.of("api", "rotated-value"));
      return s;
    });
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(parameterValue("/param-prod/api-key")).isEqualTo("rotated-value"));
    assertThat(client.getKubernetesSerialization().asJson(get("param").getStatus())).doesNotContain("first-value").doesNotContain("rotated-value");
  }

  // Issue 10: a generated Cognito client secret goes to a Secret the service owns, and nowhere else.
  @Test
  void aCognitoClientSecretIsWrittenToASecretTheServiceOwnsAndNowhereElse() {
    ServerlessService service = small("signin");
    service.getSpec().auth = client.getKubernetesSerialization().unmarshal(
        "clients: [{name: web}, {name: backend, generateSecret: true}]", dev.slipway.api.v1alpha1.AuthSpec.class);
    create(service);

    ServerlessService ready = awaitReady("signin", 1);
    Secret secret = client.secrets().inNamespace(ns).withName("signin-backend-cognito").get();
    assertThat(secret.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
      assertThat(o.getUid()).isEqualTo(ready.getMetadata().getUid());
      assertThat(o.getController()).isTrue();
    });
    String clientId = ready.getStatus().outputs.get("auth.client.backend.id");
    String value = new String(java.util.Base64.getDecoder().decode(secret.getData().get("clientSecret")), java.nio.charset.StandardCharsets.UTF_8);
    try (var cognito = software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient.builder()
        .endpointOverride(MotoServer.shared().endpoint()).region(Region.of(SlipwayTestEnvironment.AWS_REGION))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build()) {
      String pool = ready.getStatus().outputs.get("auth.userPoolId");
      assertThat(cognito.describeUserPoolClient(r -> r.userPoolId(pool).clientId(clientId)).userPoolClient().clientSecret()).isEqualTo(value);
    }
    assertThat(client.getKubernetesSerialization().asJson(ready.getStatus())).doesNotContain(value);
    assertThat(client.configMaps().inNamespace(ns).withName("signin-outputs").get().getData()).doesNotContainValue(value).containsEntry("auth.client.backend.id", clientId);
    assertThat(events("signin", e -> true)).noneMatch(e -> e.getMessage().contains(value));
    // Only the client with a secret has a Secret.
    assertThat(client.secrets().inNamespace(ns).withName("signin-web-cognito").get()).isNull();
  }

  @Test
  void aSecretOfTheCredentialsNameThatTheServiceDoesNotOwnIsLeftAlone() {
    client.resource(new SecretBuilder().withNewMetadata().withName("mine-backend-cognito").withNamespace(ns).endMetadata()
        .addToStringData("note", "the user's own").build()).create();
    ServerlessService service = small("mine");
    service.getSpec().auth = client.getKubernetesSerialization().unmarshal(
        "clients: [{name: backend, generateSecret: true}]", dev.slipway.api.v1alpha1.AuthSpec.class);
    create(service);

    ServerlessService refused = awaitCondition("mine", "Ready", "False", Reasons.NOT_OWNED);
    assertThat(condition(refused, "Ready").getMessage()).contains("Secret " + ns + "/mine-backend-cognito exists and is not this service's");
    assertThat(client.secrets().inNamespace(ns).withName("mine-backend-cognito").get().getData()).containsOnlyKeys("note");
  }

  // Issue 9: the outputs ConfigMap is never applied over a user's own ConfigMap of that name.
  @Test
  void anOutputsConfigMapTheServiceDoesNotOwnIsLeftAloneAndIsACondition() {
    client.resource(new ConfigMapBuilder().withNewMetadata().withName("theirs-outputs").withNamespace(ns).endMetadata()
        .addToData("note", "the user's own").build()).create();
    create(small("theirs"));

    String message = "ConfigMap " + ns + "/theirs-outputs exists and is not this service's, so its outputs are not written there:"
        + " rename or delete that ConfigMap";
    ServerlessService refused = awaitCondition("theirs", "Ready", "False", "OutputsConflict");
    assertThat(condition(refused, "Ready").getMessage()).isEqualTo(message);
    assertThat(condition(refused, "Degraded").getStatus()).isEqualTo("True");
    // AWS converged regardless; only the ConfigMap is in the way, and it is untouched.
    assertThat(resource(refused, "LambdaFunction", "api").state).isEqualTo(ManagedResource.State.Ready);
    ConfigMap theirs = client.configMaps().inNamespace(ns).withName("theirs-outputs").get();
    assertThat(theirs.getData()).containsOnly(Map.entry("note", "the user's own"));
    assertThat(theirs.getMetadata().getOwnerReferences()).isEmpty();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events("theirs", e -> e.getReason().equals("OutputsConflict")))
        .singleElement().satisfies(e -> {
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getMessage()).isEqualTo(message);
        }));

    // Once the name is free, the next resync writes the service's own.
    client.configMaps().inNamespace(ns).withName("theirs-outputs").delete();
    ServerlessService ready = awaitReady("theirs", 1);
    await().atMost(CONVERGE).untilAsserted(() -> {
      ConfigMap outputs = client.configMaps().inNamespace(ns).withName("theirs-outputs").get();
      assertThat(outputs).isNotNull();
      assertThat(outputs.getData()).isEqualTo(ready.getStatus().outputs);
      assertThat(outputs.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getUid()).isEqualTo(ready.getMetadata().getUid()));
    });
    // Still one warning: the conflict was announced once, not at every resync.
    assertThat(events("theirs", e -> e.getReason().equals("OutputsConflict"))).hasSize(1);
  }
}
