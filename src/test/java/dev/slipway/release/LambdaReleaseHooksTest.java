package dev.slipway.release;

import static dev.slipway.release.ReleaseFixture.policy;
import static dev.slipway.release.ReleaseFixture.release;
import static dev.slipway.release.ReleaseFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.CanaryPolicy;
import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.api.v1alpha1.CodeSource;
import dev.slipway.api.v1alpha1.HookResult;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.canary.AliasState;
import dev.slipway.testing.AwsFaults;
import dev.slipway.testing.KubeApiServer;
import dev.slipway.testing.SlipwayTestEnvironment;
import dev.slipway.testing.Tenancies;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pre- and post-traffic hooks driven by the real operator against the real kube-apiserver and moto.
 * HTTP hooks are a local MockWebServer (on loopback, which the test's SlipwayTenancy lists in
 * internalTargets). Lambda hooks go to moto as real Invoke calls; moto 5.2.1 without docker does not
 * run the function's code (it echoes the payload back), so AwsFaults plays the hook function's answer.
 */
@QuarkusTest
@WithTestResource(SlipwayTestEnvironment.class)
class LambdaReleaseHooksTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(60);

  private final KubeApiServer kube = KubeApiServer.shared();
  private final KubernetesClient client = kube.client();
  private final ReleaseFixture aws = new ReleaseFixture();
  private final MockWebServer webhook = new MockWebServer();
  private final List<RecordedRequest> calls = new CopyOnWriteArrayList<>();
  private final List<String> namespaces = new ArrayList<>();

  @BeforeEach
  void startWebhook() throws Exception {
    webhook.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        calls.add(request);
        return new MockResponse().setResponseCode(request.getPath().startsWith("/fail") ? 503 : 200).setBody("secret-looking body");
      }
    });
    webhook.start();
  }

  @AfterEach
  void stop() throws Exception {
    webhook.shutdown();
    AwsFaults.shared().clearFaults();
    aws.close();
    namespaces.forEach(ns -> Tenancies.revoke(client, ns));
  }

  private String namespace(String prefix, List<String> functionNames) {
    String ns = kube.newNamespace(prefix);
    Tenancies.grant(client, ns, t -> {
      t.functionNames = functionNames;
      t.regions = List.of(ReleaseFixture.REGION);
      t.internalTargets = List.of("127.0.0.0/8");
    });
    namespaces.add(ns);
    return ns;
  }

  @Test
  void aPassingPreTrafficWebhookLetsTrafficMoveAndAFailingPostTrafficWebhookRollsBack() throws Exception {
    String ns = namespace("hooks-http", List.of("*"));
    String fn = unique("hooked");
    aws.function(fn, fn + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");
    CanaryPolicy p = policy(ns, "hooked", null, null, 10, "2s");
    p.getSpec().hooks = new CanaryPolicySpec.Hooks();
    p.getSpec().hooks.preTraffic = List.of(httpHook("smoke", "/ok/smoke?token=abc", 0));
    p.getSpec().hooks.postTraffic = List.of(httpHook("e2e", "/fail/e2e?token=abc", 1));
    client.resource(p).create();
    var aliases = aws.record(fn);

    client.resource(release(ns, "ship-v2", fn, v2, "hooked")).create();

    LambdaReleaseStatus s = awaitFinished(ns, "ship-v2");
    assertThat(s.phase).isEqualTo(ReleasePhase.RolledBack);
    assertThat(s.reason).isEqualTo("PostTrafficHookFailed");
    assertThat(aliases.sequence()).containsExactly(
        AliasState.single("1"), AliasState.weighted("1", "2", 10), AliasState.single("2"), AliasState.single("1"));
    assertThat(calls).extracting(RecordedRequest::getPath).containsExactly("/ok/smoke?token=abc", "/fail/e2e?token=abc", "/fail/e2e?token=abc");
    JsonNode payload = JSON.readTree(calls.get(0).getBody().readUtf8());
    assertThat(payload.get("release").get("namespace").asText()).isEqualTo(ns);
    assertThat(payload.get("release").get("name").asText()).isEqualTo("ship-v2");
    assertThat(payload.get("stage").asText()).isEqualTo("PreTraffic");
    assertThat(payload.get("function").asText()).isEqualTo(fn);
    assertThat(payload.get("stableVersion").asText()).isEqualTo("1");
    assertThat(payload.get("canaryVersion").asText()).isEqualTo("2");
    assertThat(payload.get("canaryFunctionArn").asText()).endsWith(":function:" + fn + ":2");
    assertThat(s.hooks).extracting(h -> h.name + " " + h.stage + " " + h.phase + " " + h.attempts + " " + h.reason)
        .containsExactly("smoke PreTraffic Passed 1 Succeeded", "e2e PostTraffic Failed 2 HttpStatus");
    // Neither the answer's body nor the URL's query reaches status.
    assertThat(JSON.writeValueAsString(s)).doesNotContain("secret-looking").doesNotContain("token=abc");
  }

  @Test
  void aFailingPreTrafficWebhookFailsTheReleaseWithoutTouchingTheAlias() {
    String ns = namespace("hooks-pre", List.of("*"));
    String fn = unique("prefail");
    aws.function(fn, fn + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");
    CanaryPolicy p = policy(ns, "hooked", null, null, 10, "2s");
    p.getSpec().hooks = new CanaryPolicySpec.Hooks();
    p.getSpec().hooks.preTraffic = List.of(httpHook("smoke", "/fail/smoke", 0));
    client.resource(p).create();
    Predicate<AwsFaults.Request> updateAlias = r -> r.method().equals("PUT") && r.path().endsWith("/functions/" + fn + "/aliases/" + ReleaseFixture.ALIAS);
    int before = AwsFaults.shared().requests(updateAlias).size();

    client.resource(release(ns, "ship-v2", fn, v2, "hooked")).create();

    LambdaReleaseStatus s = awaitFinished(ns, "ship-v2");
    assertThat(s.phase).isEqualTo(ReleasePhase.Failed);
    assertThat(s.reason).isEqualTo("PreTrafficHookFailed");
    assertThat(s.message).contains("pre-traffic hook smoke failed after 1 attempt (HttpStatus)").contains("answered 503");
    assertThat(aws.alias(fn)).isEqualTo(AliasState.single("1"));
    assertThat(AwsFaults.shared().requests(updateAlias)).hasSize(before);
  }

  @Test
  void aLambdaHookIsInvokedThroughMotoWithThePayloadAndItsAnswerDecides() throws Exception {
    String ns = namespace("hooks-lambda", List.of("*"));
    String fn = unique("lhooked");
    String hookFn = unique("smoke");
    aws.function(fn, fn + "/v1.zip");
    aws.function(hookFn, hookFn + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");
    CanaryPolicy p = policy(ns, "hooked", null, null, 10, "2s");
    p.getSpec().hooks = new CanaryPolicySpec.Hooks();
    p.getSpec().hooks.preTraffic = List.of(lambdaHook("smoke", hookFn));
    client.resource(p).create();
    Predicate<AwsFaults.Request> invoke = AwsFaults.rest("POST", "/2015-03-31/functions/" + hookFn + "/invocations");
    // moto echoes the payload instead of running the function: play the function's answer.
    AwsFaults.shared().rewrite(invoke, body -> "{\"status\":\"Succeeded\",\"message\":\"smoke tests passed\"}", 10);

    client.resource(release(ns, "ship-v2", fn, v2, "hooked")).create();

    LambdaReleaseStatus s = awaitFinished(ns, "ship-v2");
    assertThat(s.phase).as(s.message).isEqualTo(ReleasePhase.Succeeded);
    List<AwsFaults.Request> invoked = AwsFaults.shared().requests(invoke);
    assertThat(invoked).hasSize(1);
    JsonNode payload = JSON.readTree(invoked.get(0).body());
    assertThat(payload.get("release").get("name").asText()).isEqualTo("ship-v2");
    assertThat(payload.get("canaryFunctionArn").asText()).endsWith(":function:" + fn + ":2");
    HookResult h = s.hooks.get(0);
    assertThat(h.phase).isEqualTo(HookResult.Phase.Passed);
    assertThat(h.message).isEqualTo(hookFn + " answered Succeeded: smoke tests passed");
  }

  @Test
  void aLambdaHookTheTenancyDoesNotAllowFailsHookNotPermittedWithoutAnInvoke() {
    String fn = unique("lrefused");
    String hookFn = unique("elsewhere");
    String ns = namespace("hooks-refused", List.of(fn));
    aws.function(fn, fn + "/v1.zip");
    CodeSource v2 = aws.code(fn + "/v2.zip", "v2");
    CanaryPolicy p = policy(ns, "hooked", null, null, 10, "2s");
    p.getSpec().hooks = new CanaryPolicySpec.Hooks();
    p.getSpec().hooks.preTraffic = List.of(lambdaHook("smoke", hookFn));
    p.getSpec().hooks.preTraffic.get(0).retries = 3;
    client.resource(p).create();

    client.resource(release(ns, "ship-v2", fn, v2, "hooked")).create();

    LambdaReleaseStatus s = awaitFinished(ns, "ship-v2");
    assertThat(s.phase).isEqualTo(ReleasePhase.Failed);
    assertThat(s.reason).isEqualTo("HookNotPermitted");
    assertThat(s.hooks.get(0).attempts).isEqualTo(1);
    assertThat(AwsFaults.shared().requests(r -> r.path().contains("/functions/" + hookFn))).isEmpty();
    assertThat(aws.alias(fn)).isEqualTo(AliasState.single("1"));
  }

  private CanaryPolicySpec.Hook httpHook(String name, String path, int retries) {
    CanaryPolicySpec.Hook h = new CanaryPolicySpec.Hook();
    h.name = name;
    h.http = new CanaryPolicySpec.HttpHook();
    h.http.url = webhook.url(path).toString();
    h.timeout = "5s";
    h.retries = retries;
    return h;
  }

  private static CanaryPolicySpec.Hook lambdaHook(String name, String function) {
    CanaryPolicySpec.Hook h = new CanaryPolicySpec.Hook();
    h.name = name;
    h.lambda = new CanaryPolicySpec.LambdaHook();
    h.lambda.functionName = function;
    return h;
  }

  private LambdaReleaseStatus awaitFinished(String ns, String name) {
    return ReleaseFixture.awaitFinished(client, ns, name);
  }
}
