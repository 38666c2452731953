package dev.slipway.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.api.v1alpha1.Durations;
import dev.slipway.api.v1alpha1.FunctionDefaults;
import dev.slipway.api.v1alpha1.HookResult;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.aws.AwsClients;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.Naming;
import dev.slipway.canary.HookOutcome;
import dev.slipway.net.OutboundPolicy;
import dev.slipway.status.Reasons;
import dev.slipway.tenancy.TenancyRules;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Function;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/**
 * Runs one attempt of a release's lifecycle hook: Invoke of a Lambda function with the release's
 * AWS identity, or a POST to an HTTP endpoint, each bounded by the hook's timeout (at most
 * {@link OutboundPolicy#MAX_TIMEOUT}). Never throws: every failure is an outcome the machine judges.
 * Neither a response body nor a URL's query string (where tokens live) reaches status.
 */
final class ReleaseHooks {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The answer a Lambda hook gives to pass. */
  static final String SUCCEEDED = "Succeeded";

  private final KubernetesClient client;
  private final HttpClient http;
  private final Function<TenancyRules.Request, TenancyRules.Verdict> tenancy;

  ReleaseHooks(KubernetesClient client, HttpClient http, Function<TenancyRules.Request, TenancyRules.Verdict> tenancy) {
    this.client = client;
    this.http = http;
    this.tenancy = tenancy;
  }

  /** One attempt of {@code hook} for {@code release}, whose target and status name the versions. */
  HookOutcome run(
      CanaryPolicySpec.Hook hook, HookResult.Stage stage, LambdaRelease release, ReleaseTarget target, AwsClients clients,
      OutboundPolicy outbound, LambdaReleaseStatus status) {
    Duration timeout = OutboundPolicy.timeout(Durations.parse(hook.timeout == null ? CanaryPolicySpec.Hook.DEFAULT_TIMEOUT : hook.timeout));
    try {
      return hook.lambda != null
          ? invoke(hook, stage, release, target, clients, status, timeout)
          : post(hook, stage, release, target, clients, status, outbound, timeout);
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      // The API server away while the function's permission was checked: worth another attempt.
      return new HookOutcome(false, false, "ApiServerUnreachable", "cannot read the namespace's ServerlessServices or tenancy (HTTP " + e.getCode() + ")");
    } catch (RuntimeException e) {
      // AWS refusing for good (AccessDenied, no such function) is not retried; throttling and 5xx are.
      return new HookOutcome(false, !AwsErrors.isRetryable(e), AwsErrors.reason(e), AwsErrors.message(e));
    }
  }

  private HookOutcome invoke(
      CanaryPolicySpec.Hook hook, HookResult.Stage stage, LambdaRelease release, ReleaseTarget target, AwsClients clients,
      LambdaReleaseStatus status, Duration timeout) {
    String fn = hook.lambda.functionName;
    if (!mayInvoke(release, target, fn)) {
      return new HookOutcome(false, true, Reasons.NOT_PERMITTED, "function " + fn + " is neither a function of a ServerlessService in"
          + " namespace " + release.getMetadata().getNamespace() + " nor one its SlipwayTenancy allows in functionNames: not invoked");
    }
    String payload = payload(hook, stage, release, target, clients, status).toString();
    var response = clients.lambda().invoke(r -> r.functionName(fn).invocationType(InvocationType.REQUEST_RESPONSE)
        .payload(SdkBytes.fromUtf8String(payload)).overrideConfiguration(o -> o.apiCallTimeout(timeout)));
    String said = said(response.payload());
    if (response.functionError() != null) {
      return new HookOutcome(false, false, "FunctionError", fn + " raised " + response.functionError() + said);
    }
    String answer = field(response.payload(), "status");
    if (!SUCCEEDED.equals(answer)) {
      return new HookOutcome(false, false, "NotSucceeded", fn + " answered status " + (answer == null ? "(none)" : printable(answer)) + said);
    }
    return new HookOutcome(true, false, SUCCEEDED, fn + " answered Succeeded" + said);
  }

  private HookOutcome post(
      CanaryPolicySpec.Hook hook, HookResult.Stage stage, LambdaRelease release, ReleaseTarget target, AwsClients clients,
      LambdaReleaseStatus status, OutboundPolicy outbound, Duration timeout) {
    URI url = URI.create(hook.http.url);
    String shown = "POST " + url.getScheme() + "://" + url.getAuthority() + (url.getRawPath() == null ? "" : url.getRawPath());
    try {
      outbound.check(url, shown);
    } catch (OutboundPolicy.RefusedTarget refused) {
      return new HookOutcome(false, true, "OutboundRefused", refused.getMessage());
    }
    HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(payload(hook, stage, release, target, clients, status).toString())).build();
    try {
      HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      // The status is the verdict: the body is closed unread, so nothing of it can reach status.
      response.body().close();
      int code = response.statusCode();
      boolean passed = code >= 200 && code < 300;
      return new HookOutcome(passed, false, passed ? SUCCEEDED : "HttpStatus", shown + " answered " + code);
    } catch (IOException e) {
      return new HookOutcome(false, false, "Unreachable", shown + " failed: " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new HookOutcome(false, false, "Unreachable", shown + " interrupted");
    }
  }

  /**
   * A function of a ServerlessService in the release's namespace, or one the tenancy lets this
   * namespace release by name (the same rule as a functionName release, with the release's identity).
   */
  private boolean mayInvoke(LambdaRelease release, ReleaseTarget target, String fn) {
    String ns = release.getMetadata().getNamespace();
    boolean ownService = client.resources(ServerlessService.class).inNamespace(ns).list().getItems().stream().anyMatch(s -> {
      var spec = FunctionDefaults.resolve(s.getSpec());
      return spec.functions.stream().anyMatch(f -> fn.equals(Naming.physical(s.getMetadata().getName(), spec, f.name)));
    });
    return ownService || tenancy.apply(new TenancyRules.Request("LambdaRelease", ns, release.getMetadata().getName(),
        target.aws().region(), target.aws().roleArn().orElse(null), fn)) instanceof TenancyRules.Permitted;
  }

  /** What every hook is given: the release, its function and alias, both versions and the canary's qualified ARN. */
  private static ObjectNode payload(
      CanaryPolicySpec.Hook hook, HookResult.Stage stage, LambdaRelease release, ReleaseTarget target, AwsClients clients,
      LambdaReleaseStatus status) {
    ObjectNode p = JSON.createObjectNode();
    p.putObject("release").put("namespace", release.getMetadata().getNamespace()).put("name", release.getMetadata().getName());
    p.put("hook", hook.name);
    p.put("stage", stage.name());
    p.put("function", target.functionName());
    p.put("alias", target.alias());
    p.put("stableVersion", status.stableVersion);
    p.put("canaryVersion", status.canaryVersion);
    String arn = clients.lambda().getFunctionConfiguration(r -> r.functionName(target.functionName()).qualifier(status.canaryVersion)).functionArn();
    p.put("canaryFunctionArn", unqualified(arn) + ":" + status.canaryVersion);
    return p;
  }

  /** arn:aws:lambda:region:account:function:name, without a qualifier. */
  private static String unqualified(String arn) {
    String[] parts = arn.split(":");
    return parts.length > 7 ? String.join(":", java.util.Arrays.copyOf(parts, 7)) : arn;
  }

  /** The answer's "message", shortened and printable, as ": ..."; nothing else of the answer is kept. */
  private static String said(SdkBytes payload) {
    String message = field(payload, "message");
    return message == null ? "" : ": " + printable(message);
  }

  private static String field(SdkBytes payload, String name) {
    if (payload == null) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(payload.asUtf8String());
      return n != null && n.hasNonNull(name) && n.get(name).isTextual() ? n.get(name).asText() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static String printable(String s) {
    String clean = s.replaceAll("\\p{Cntrl}", " ");
    return clean.length() > 160 ? clean.substring(0, 159) + "…" : clean;
  }
}
