package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.preset) != (has(self.steps) && size(self.steps) > 0)",
    message = "give either preset or steps",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.steps) || (self.steps.all(s, self.steps.exists_one(t, t.weight == s.weight)) && self.steps.map(s, s.weight).isSorted())",
    message = "step weights must increase from each step to the next",
    reason = "FieldValueInvalid")
public class CanaryPolicySpec {

  /** Most steps a policy may have. */
  public static final int MAX_STEPS = 20;

  @JsonPropertyDescription(
      "A CodeDeploy-style preset instead of explicit steps: Canary10Percent5Minutes, Canary10Percent10Minutes,"
          + " Canary10Percent15Minutes, Canary10Percent30Minutes, Linear10PercentEvery1Minute,"
          + " Linear10PercentEvery2Minutes, Linear10PercentEvery3Minutes, Linear10PercentEvery10Minutes, AllAtOnce.")
  public Preset preset;

  @Size(max = MAX_STEPS)
  @JsonPropertyDescription("Traffic steps in order, weights increasing: the canary gets weight percent, then the release waits pause (with analysis) before the next step. After the last step all traffic moves.")
  public List<Step> steps = new ArrayList<>();

  @JsonPropertyDescription("Checks run every interval during each pause; failureLimit consecutive failures roll the release back.")
  public Analysis analysis;

  @JsonPropertyDescription("Where transitions are announced.")
  public Notifications notifications;

  @JsonPropertyDescription("Checks before any traffic moves (preTraffic) and after all traffic is on the new version (postTraffic),"
      + " as CodeDeploy's BeforeAllowTraffic and AfterAllowTraffic hooks: a failed preTraffic hook fails the release with the"
      + " alias untouched, a failed postTraffic hook rolls it back.")
  public Hooks hooks;

  /** CodeDeploy's predefined Lambda deployment configurations. */
  public enum Preset {
    Canary10Percent5Minutes,
    Canary10Percent10Minutes,
    Canary10Percent15Minutes,
    Canary10Percent30Minutes,
    Linear10PercentEvery1Minute,
    Linear10PercentEvery2Minutes,
    Linear10PercentEvery3Minutes,
    Linear10PercentEvery10Minutes,
    AllAtOnce
  }

  /** One traffic step. */
  public static class Step {
    @Required
    @Min(1)
    @Max(99)
    @JsonPropertyDescription("Percentage of traffic on the new version during this step, 1 to 99.")
    public Integer weight;

    @Required
    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("How long to hold this step, e.g. 30m, 90s, 1h30m.")
    public String pause;

    /**
     * A manual gate, as Argo Rollouts' {@code pause: {}} after a step: the release holds at this
     * step's weight until a person approves it, with analysis still judging the traffic.
     */
    @JsonPropertyDescription("A manual gate after this step: once its pause is over and its analysis passes, the release holds at"
        + " this weight (phase AwaitingApproval) until the LambdaRelease's spec.approvedStep reaches this step's index, or"
        + " spec.promote is set. Analysis keeps running while it holds, and a failure still rolls back. Default false.")
    public Boolean approval;

    public Step() {}

    public Step(int weight, String pause) {
      this.weight = weight;
      this.pause = pause;
    }
  }

  /** How traffic is judged. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "!has(self.interval) || duration(self.interval) >= duration('" + Analysis.MIN_INTERVAL + "')",
      message = "analysis interval must be at least " + Analysis.MIN_INTERVAL,
      reason = "FieldValueInvalid")
  @ValidationRule(
      value = "!has(self.metrics) || self.metrics.all(m, self.metrics.exists_one(n, n.name == m.name))",
      message = "metric names must be unique",
      reason = "FieldValueInvalid")
  public static class Analysis {
    /** Shortest interval: CloudWatch needs a window of some seconds to have data at all. */
    public static final String MIN_INTERVAL = "10s";
    /** Most checks one run may make. */
    public static final int MAX_METRICS = 20;

    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("Time between analysis runs during a pause, at least " + MIN_INTERVAL + ". Default 1m.")
    public String interval = "1m";

    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Consecutive failed runs that roll the release back, counting the checks without a failureLimit of"
        + " their own: a run counts when any of them fails. Default 2.")
    public Integer failureLimit = 2;

    @JsonPropertyDescription("Whether a run with no data counts toward failureLimit. Default false: no data is inconclusive, never a pass, and blocks promotion until data arrives.")
    public Boolean inconclusiveIsFailure = false;

    @Size(max = MAX_METRICS)
    @JsonPropertyDescription("The checks, at most " + MAX_METRICS + ", each with a unique name; a run fails when any of them fails.")
    public List<Metric> metrics = new ArrayList<>();
  }

  /** One check. Exactly one of its kinds is set. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "[has(self.lambdaErrorRate), has(self.lambdaDurationP99), has(self.apiGateway5xxRate), has(self.cloudWatch), has(self.cloudWatchAlarms), has(self.http)].filter(x, x).size() == 1",
      message = "a metric needs exactly one of lambdaErrorRate, lambdaDurationP99, apiGateway5xxRate, cloudWatch, cloudWatchAlarms, http",
      reason = "FieldValueInvalid")
  public static class Metric {
    @Required
    @Size(max = 63)
    @Pattern("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
    @JsonPropertyDescription("Name shown in analysis results.")
    public String name;

    /**
     * Measured and recorded, never judged: its results appear in status with {@code dryRun: true}
     * but neither fail a run nor hold a step back (as Argo Rollouts' dry-run metrics), so a new
     * check can be watched on real releases before it is trusted.
     */
    @JsonPropertyDescription("Measure and record this check but never let it fail the release or hold a step: its results appear in"
        + " status.analysis with dryRun: true. For trying a new check on real releases before trusting it. Default false.")
    public Boolean dryRun;

    /**
     * This check's own limit, beside the run-level one: it counts only its own consecutive failures
     * (as Argo Rollouts' per-metric failureLimit), so a hard rule can roll back at its first breach
     * while a flaky health check gets a second chance.
     */
    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Consecutive failed runs of this check that roll the release back, counted for this check alone"
        + " (a pass resets it; inconclusive counts only with inconclusiveIsFailure). E.g. 1: roll back at the first breach."
        + " A check with its own limit does not count toward analysis.failureLimit; absent, it does.")
    public Integer failureLimit;

    @JsonPropertyDescription("Errors / Invocations of the canary version only (ExecutedVersion dimension).")
    public RateThreshold lambdaErrorRate;

    @JsonPropertyDescription("p99 Duration of the canary version only (ExecutedVersion dimension).")
    public DurationThreshold lambdaDurationP99;

    @JsonPropertyDescription("5XXError / Count of the service's REST API stage.")
    public RateThreshold apiGateway5xxRate;

    @JsonPropertyDescription("Any CloudWatch metric with a threshold.")
    public CloudWatchMetric cloudWatch;

    @JsonPropertyDescription("CloudWatch alarms; one in ALARM fails the check.")
    public AlarmCheck cloudWatchAlarms;

    @JsonPropertyDescription("An HTTP health check.")
    public HttpCheck http;
  }

  public static class RateThreshold {
    @Required
    @Min(0)
    @Max(1)
    @JsonPropertyDescription("Highest acceptable ratio, 0 to 1 (0.05 = 5 %).")
    public Double max;

    /** The minimum sample size of the ratio: fewer requests in the window is inconclusive. */
    @Min(0)
    @JsonPropertyDescription("Fewest requests in the window for a verdict; fewer is inconclusive (never a pass). At low traffic a"
        + " 10 % canary may see almost nothing. Default 1.")
    public Integer minRequests;
  }

  public static class DurationThreshold {
    @Required
    @Min(1)
    @JsonPropertyDescription("Highest acceptable p99 duration in milliseconds.")
    public Integer maxMillis;

    /**
     * The minimum sample size: AWS routes alias weights probabilistically, and a p99 of a handful of
     * invocations says nothing, so fewer canary invocations than this in the window is inconclusive.
     */
    @Min(0)
    @JsonPropertyDescription("Fewest invocations of the canary version in the window for a verdict; fewer is inconclusive (never a pass)."
        + " At low traffic a 10 % canary may see almost nothing. Absent: any Duration data in the window decides.")
    public Integer minRequests;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "has(self.max) || has(self.min)", message = "cloudWatch needs max or min", reason = "FieldValueRequired")
  public static class CloudWatchMetric {
    @Required
    @Size(max = 255)
    @JsonPropertyDescription("Namespace, e.g. AWS/Lambda or MyApp.")
    public String namespace;

    @Required
    @Size(max = 255)
    @JsonPropertyDescription("Metric name.")
    public String metricName;

    @Size(max = 30)
    @JsonPropertyDescription("Dimensions, name to value. The placeholders {function}, {alias}, {version} (canary) and {stableVersion} are filled in.")
    public java.util.Map<String, String> dimensions = new java.util.LinkedHashMap<>();

    @Pattern("^(Average|Sum|Minimum|Maximum|SampleCount|p[0-9]{1,2}(\\.[0-9]+)?)$")
    @JsonPropertyDescription("Statistic: Average, Sum, Minimum, Maximum, SampleCount or a percentile like p99. Default Average.")
    public String statistic = "Average";

    @Min(1)
    @JsonPropertyDescription("Period in seconds. Default: the analysis interval.")
    public Integer periodSeconds;

    @JsonPropertyDescription("Fail when the value is above this.")
    public Double max;

    @JsonPropertyDescription("Fail when the value is below this.")
    public Double min;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "(has(self.names) && size(self.names) > 0) || (has(self.serviceAlarms) && size(self.serviceAlarms) > 0)",
      message = "cloudWatchAlarms needs names or serviceAlarms",
      reason = "FieldValueRequired")
  public static class AlarmCheck {
    @Size(max = 20)
    @JsonPropertyDescription("CloudWatch alarm names, as AWS knows them.")
    public List<String> names;

    @Size(max = 20)
    @JsonPropertyDescription(
        "Logical names of alarms the release's own ServerlessService declares in spec.monitoring, for example api-5xx or"
            + " conversation-api-errors; resolved to their AWS names when the check runs. A name the service does not declare is"
            + " inconclusive, as is any serviceAlarms for a release of a bare function.")
    public List<String> serviceAlarms;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class HttpCheck {
    @Required
    @Size(max = 2048)
    @Pattern("^https?://.+")
    @JsonPropertyDescription("URL to GET.")
    public String url;

    @Min(100)
    @Max(599)
    @JsonPropertyDescription("Expected status code. Default 200.")
    public Integer expectStatus = 200;

    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("Request timeout. Default 5s.")
    public String timeout = "5s";
  }

  /** The lifecycle hooks of a release, each list run in order, one hook at a time. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "!has(self.preTraffic) || self.preTraffic.all(h, self.preTraffic.exists_one(g, g.name == h.name))",
      message = "preTraffic hook names must be unique",
      reason = "FieldValueInvalid")
  @ValidationRule(
      value = "!has(self.postTraffic) || self.postTraffic.all(h, self.postTraffic.exists_one(g, g.name == h.name))",
      message = "postTraffic hook names must be unique",
      reason = "FieldValueInvalid")
  public static class Hooks {
    /** Most hooks per list: each runs synchronously in the reconcile loop. */
    public static final int MAX_HOOKS = 5;

    @Size(max = MAX_HOOKS)
    @JsonPropertyDescription("Run after the new version is published and before any weight is set; all must pass for traffic to move."
        + " At most " + MAX_HOOKS + ", names unique.")
    public List<Hook> preTraffic = new ArrayList<>();

    @Size(max = MAX_HOOKS)
    @JsonPropertyDescription("Run once the alias sends all traffic to the new version (phase Verifying); all must pass for the"
        + " release to succeed, one failure rolls back. At most " + MAX_HOOKS + ", names unique.")
    public List<Hook> postTraffic = new ArrayList<>();
  }

  /**
   * One hook: a Lambda function or an HTTP endpoint, given a JSON payload naming the release and its
   * versions. An attempt that does not pass is tried again {@code retries} times, {@link #RETRY_DELAY}
   * apart; a hook the tenancy or the outbound policy refuses fails at once, without a call.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "has(self.lambda) != has(self.http)", message = "a hook needs exactly one of lambda, http", reason = "FieldValueInvalid")
  @ValidationRule(
      value = "!has(self.timeout) || (duration(self.timeout) >= duration('1s') && duration(self.timeout) <= duration('" + Hook.MAX_TIMEOUT + "'))",
      message = "hook timeout must be between 1s and " + Hook.MAX_TIMEOUT,
      reason = "FieldValueInvalid")
  public static class Hook {
    /** The longest one attempt may take: it blocks a reconcile thread. */
    public static final String MAX_TIMEOUT = "30s";
    /** How long an attempt may take when the hook does not say. */
    public static final String DEFAULT_TIMEOUT = "10s";
    /** Time between a failed attempt and the next. */
    public static final String RETRY_DELAY = "5s";

    @Required
    @Size(max = 63)
    @Pattern("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
    @JsonPropertyDescription("Name shown in status.hooks, events and reasons; unique in its list.")
    public String name;

    @JsonPropertyDescription("Invoke a Lambda function synchronously with the release's AWS identity.")
    public LambdaHook lambda;

    @JsonPropertyDescription("POST the payload to an HTTP endpoint.")
    public HttpHook http;

    @Pattern(Durations.PATTERN)
    @JsonPropertyDescription("How long one attempt may take, 1s to " + MAX_TIMEOUT + "; a slower answer is a failed attempt. Default " + DEFAULT_TIMEOUT + ".")
    public String timeout;

    @Min(0)
    @Max(5)
    @JsonPropertyDescription("Further attempts after one that does not pass (a failed verdict, an error, a timeout or a refused"
        + " connection), " + RETRY_DELAY + " apart. A hook the tenancy or the outbound policy refuses is not retried. Default 0.")
    public Integer retries;
  }

  /**
   * A Lambda hook. The function gets {@code {"release": {"namespace", "name"}, "hook", "stage", "function",
   * "alias", "stableVersion", "canaryVersion", "canaryFunctionArn"}} and passes by returning
   * {@code {"status": "Succeeded"}}; an optional {@code "message"} is recorded, shortened.
   */
  public static class LambdaHook {
    @Required
    @Size(max = 170)
    @JsonPropertyDescription("The function to invoke, by name or ARN. It must be a function of a ServerlessService in the release's"
        + " namespace, or one the namespace's SlipwayTenancy allows in functionNames (as for functionName releases); otherwise"
        + " the hook fails with reason NotPermitted and is not invoked. It passes when it returns {\"status\": \"Succeeded\"}"
        + " without a FunctionError; anything else fails. An optional \"message\" in its answer is recorded, shortened.")
    public String functionName;
  }

  /** An HTTP hook: POST of the payload, 2xx passes; the answer's body is never read. */
  public static class HttpHook {
    @Required
    @Size(max = 2048)
    @Pattern("^https?://.+")
    @JsonPropertyDescription("URL to POST the JSON payload to (the same one a Lambda hook gets); any 2xx answer passes, its body"
        + " unread. Redirects are not followed. Internal addresses need the tenancy's internalTargets, as HTTP checks do.")
    public String url;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Notifications {
    /** What each channel's event list says, shared by the three. */
    static final String EVENTS = "Release events: Started, StepCompleted, Paused, Resumed, AwaitingApproval, CheckFailed (the first failed"
        + " run of a check in a row), Approved, Promoted, RollbackStarted, RolledBack (the rollback finished), Failed, Superseded,"
        + " Retried, RetryRefused, RetryIgnored; service events, sent only from a ServerlessService's notifications: ServiceReady"
        + " (a generation converged), ServiceDegraded, ServiceDeleted.";
    @Pattern("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:.+$")
    @JsonPropertyDescription("SNS topic that receives a message per transition.")
    public String snsTopicArn;

    @JsonPropertyDescription("The events the SNS topic receives (default: every event). " + EVENTS)
    public List<NotificationEvent> snsEvents;

    @JsonPropertyDescription("Slack incoming webhook, its URL read from a Secret.")
    public Slack slack;

    @JsonPropertyDescription("A generic JSON webhook, its URL read from a Secret: each announcement is POSTed as one JSON document"
        + " (apiVersion slipway.dev/v1, kind ReleaseEvent, event, release, function, alias, versions, weight, step, reason, message,"
        + " commit, deployer, failingCheck, text); a 2xx answer counts as delivered. Internal addresses only as the tenancy allows.")
    public Webhook webhook;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Webhook {
    @Required
    @JsonPropertyDescription("Secret (same namespace) and key holding the webhook URL (it may carry a token).")
    public SecretKeyRef urlSecretRef;

    @JsonPropertyDescription("The events this webhook receives (default: every event). " + Notifications.EVENTS)
    public List<NotificationEvent> events;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Slack {
    @Required
    @JsonPropertyDescription("Secret (same namespace) and key holding the webhook URL.")
    public SecretKeyRef webhookSecretRef;

    @JsonPropertyDescription("The events this Slack webhook receives (default: every event). " + Notifications.EVENTS)
    public List<NotificationEvent> events;
  }
}
