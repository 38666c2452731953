package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A REST API (API Gateway v1) whose routes proxy to the functions' stage aliases. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.routes.all(r, self.routes.exists_one(s, s.path == r.path && s.methods.exists(m, m in r.methods)))",
    message = "a method of a path may be served by one route only (a path may have several routes, each with its own methods)",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.apiKeys) || self.apiKeys.all(k, self.apiKeys.exists_one(l, l.name == k.name))",
    message = "API key names must be unique",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.usagePlans) || self.usagePlans.all(p, self.usagePlans.exists_one(q, q.name == p.name))",
    message = "usage plan names must be unique",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.usagePlans) || self.usagePlans.all(p, !has(p.keys) || p.keys.all(k, has(self.apiKeys) && self.apiKeys.exists(a, a.name == k)))",
    message = "a usage plan's keys must name API keys of restApi.apiKeys",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!self.routes.exists(r, has(r.apiKeyRequired) && r.apiKeyRequired)"
        + " || (has(self.usagePlans) && self.usagePlans.exists(p, has(p.keys) && size(p.keys) > 0))",
    message = "routes with apiKeyRequired need a usage plan with keys (restApi.usagePlans): without one API Gateway answers 403 to every call",
    reason = "FieldValueInvalid")
public class RestApiSpec {

  /** The characters API Gateway allows in a stage variable's value. */
  static final String STAGE_VARIABLE_VALUE = "^[A-Za-z0-9 ._~:/?#&=,-]*$";

  @Size(max = 128)
  @JsonPropertyDescription("API name; defaults to <namePrefix>-api.")
  public String name;

  @Pattern("^[a-zA-Z0-9_-]{1,128}$")
  @JsonPropertyDescription("Stage the API is deployed to; part of the invoke URL. Defaults to spec.stage.")
  public String stageName;

  @Default("REGIONAL")
  @JsonPropertyDescription("Endpoint type: REGIONAL, EDGE or PRIVATE.")
  public EndpointType endpointType = EndpointType.REGIONAL;

  @JsonPropertyDescription("CORS: when set, every route answers OPTIONS preflight with these headers and the functions' responses are expected to carry Access-Control-Allow-Origin.")
  public Cors cors;

  @JsonPropertyDescription("Stage-wide throttling.")
  public Throttling throttling;

  @JsonPropertyDescription("CloudWatch metrics per method (API Gateway's detailed metrics, billed per metric) on the stage. Absent: left as AWS has it (off when Slipway creates the stage).")
  public Boolean detailedMetrics;

  @JsonPropertyDescription("X-Ray tracing of the stage's requests. Absent: left as AWS has it (off when Slipway creates the stage).")
  public Boolean tracing;

  @Size(max = 64)
  @JsonPropertyDescription("Stage variables (name to value), read by integrations and mapping templates as ${stageVariables.name}."
      + " Names: letters, digits and underscores. When set, the stage has exactly these: a variable added behind Slipway's back is removed. Values are not secret:"
      + " they appear in the stage's configuration and in status messages.")
  public Map<String, @Size(max = 512) @Pattern(STAGE_VARIABLE_VALUE) String> stageVariables;

  @JsonPropertyDescription("Access logging of the stage: one line per request to a log group Slipway creates. REST access logs need the"
      + " account's API Gateway CloudWatch role: while the account names none, Slipway creates slipway-apigateway-cloudwatch (path"
      + " /slipway/, AWS's AmazonAPIGatewayPushToCloudWatchLogs policy) and names it; a role the account already names is left as it is."
      + " That account-wide setting and its role stay when the service is deleted. Absent: none; removing it stops the stage's logging.")
  public AccessLogSpec accessLog;

  @Required
  @Size(min = 1, max = 100)
  @JsonPropertyDescription("Routes: a path, its methods and the function that serves them (AWS_PROXY integration to the function's stage alias). One path may have several routes, for example GET /todos served by one function and POST /todos by another.")
  public List<Route> routes = new ArrayList<>();

  /** API keys clients send in the x-api-key header to methods with apiKeyRequired; each is metered by the usage plans that name it. */
  @Size(max = 50)
  @JsonPropertyDescription("API keys clients send in the x-api-key header to the routes with apiKeyRequired; a key is accepted only"
      + " through a usage plan that names it. Each key's value is written to the Kubernetes Secret <service>-<key>-apikey (key"
      + " apiKey), never to status, events or logs; its id is the output apiKey.<name>.id.")
  public List<ApiKey> apiKeys = new ArrayList<>();

  /** Usage plans of the API's stage: throttling and a quota for the keys each names. */
  @Size(max = 20)
  @JsonPropertyDescription("Usage plans on the API's stage: the throttling and quota each applies to the API keys it names. A plan"
      + " has exactly the declared stage and keys: another stage or key added to it behind Slipway's back is removed.")
  public List<UsagePlan> usagePlans = new ArrayList<>();

  public enum EndpointType {
    REGIONAL,
    EDGE,
    PRIVATE
  }

  /** One path of the API. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "!has(self.scopes) || size(self.scopes) == 0 || (has(self.authorization) && self.authorization == 'COGNITO')",
      message = "scopes apply only to routes with authorization COGNITO",
      reason = "FieldValueForbidden")
  public static class Route {
    @Required
    @Size(max = 256)
    @Pattern("^/([a-zA-Z0-9._~-]+|\\{[a-zA-Z0-9_]+\\+?\\})(/([a-zA-Z0-9._~-]+|\\{[a-zA-Z0-9_]+\\+?\\}))*$")
    @JsonPropertyDescription("Resource path, for example /conversations or /conversations/{id}.")
    public String path;

    @Required
    @Size(min = 1, max = 8)
    @JsonPropertyDescription("HTTP methods: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY. When cors is set, a path none of whose routes declares OPTIONS gets a preflight answer from API Gateway; a declared OPTIONS goes to the function.")
    public List<Method> methods = new ArrayList<>();

    @Required
    @Size(max = 40)
    @JsonPropertyDescription("Name of a function of this service.")
    public String function;

    @JsonPropertyDescription("Authorization of the methods: NONE (the default), AWS_IAM, or COGNITO (a token of the service's user pool,"
        + " spec.auth, checked by API Gateway before the function runs).")
    public Authorization authorization = Authorization.NONE;

    @Min(50)
    @Max(29000)
    @JsonPropertyDescription("How long API Gateway waits for the function, in milliseconds (50 to 29000); default 29000.")
    public Integer timeoutMillis;

    @Size(max = 16)
    @JsonPropertyDescription("COGNITO only: OAuth scopes an access token must carry, one of which suffices (for example openid, or a"
        + " resource server's scope); none means an ID token is enough.")
    public List<@Size(max = 256) String> scopes = new ArrayList<>();

    /** Whether callers of the methods must send an API key of one of the stage's usage plans. */
    @JsonPropertyDescription("Callers of the methods must send, in the x-api-key header, an API key of a usage plan on the stage"
        + " (restApi.apiKeys, restApi.usagePlans); API Gateway answers 403 otherwise. Default false.")
    public Boolean apiKeyRequired;

    public Route() {}

    public Route(String path, List<Method> methods, String function) {
      this.path = path;
      this.methods = new ArrayList<>(methods);
      this.function = function;
    }
  }

  public enum Method {
    GET,
    POST,
    PUT,
    PATCH,
    DELETE,
    HEAD,
    OPTIONS,
    ANY
  }

  public enum Authorization {
    NONE,
    AWS_IAM,
    COGNITO
  }

  /** Cross-origin resource sharing answered by a MOCK OPTIONS method per route. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Cors {
    @Required
    @Size(min = 1, max = 16)
    @JsonPropertyDescription("Allowed origins, for example https://app.example.com, or *.")
    public List<String> allowOrigins = new ArrayList<>();

    @Size(max = 32)
    @JsonPropertyDescription("Allowed request headers.")
    public List<String> allowHeaders = new ArrayList<>();

    @Size(max = 8)
    @JsonPropertyDescription("Allowed methods; defaults to the route's methods plus OPTIONS.")
    public List<String> allowMethods = new ArrayList<>();

    @JsonPropertyDescription("Whether credentials (cookies, Authorization) may be sent.")
    public Boolean allowCredentials;

    @Min(0)
    @JsonPropertyDescription("How long, in seconds, browsers may cache a preflight answer.")
    public Integer maxAgeSeconds;
  }

  /** Request throttling of the stage. */
  public static class Throttling {
    @Min(0)
    @JsonPropertyDescription("Steady-state requests per second.")
    public Double rateLimit;

    @Min(0)
    @JsonPropertyDescription("Burst capacity in requests.")
    public Integer burstLimit;
  }

  /** An API key of the REST API. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ApiKey {
    /** Logical key name; the key is named {@code <namePrefix>-<name>}. */
    @Required
    @Size(max = 40)
    @Pattern("^[a-z0-9][a-z0-9-]{0,39}$")
    @JsonPropertyDescription("Logical key name; the API Gateway key is named <namePrefix>-<name>, its value goes to the Kubernetes"
        + " Secret <service>-<name>-apikey.")
    public String name;

    /** Whether API Gateway accepts the key. */
    @JsonPropertyDescription("Whether API Gateway accepts the key; false turns it off without deleting it. Default true.")
    public Boolean enabled;

    public ApiKey() {}

    public ApiKey(String name) {
      this.name = name;
    }

    /** The Kubernetes Secret a key's value is written to. */
    public static String secretName(String service, String key) {
      return service + "-" + key + "-apikey";
    }
  }

  /** A usage plan on the API's stage. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class UsagePlan {
    /** Logical plan name; the plan is named {@code <namePrefix>-<name>}. */
    @Required
    @Size(max = 40)
    @Pattern("^[a-z0-9][a-z0-9-]{0,39}$")
    @JsonPropertyDescription("Logical plan name; the API Gateway usage plan is named <namePrefix>-<name>. Its id is the output usagePlan.<name>.id.")
    public String name;

    /** Request throttling per key of the plan. */
    @JsonPropertyDescription("Throttling of each key's requests. Absent: none of the plan's own (the stage's applies).")
    public Throttling throttle;

    /** How many requests a key of the plan may make per period. */
    @JsonPropertyDescription("How many requests each key may make in a day, week or month. Absent: no quota.")
    public Quota quota;

    /** The API keys the plan meters, by their names in restApi.apiKeys. */
    @Size(max = 50)
    @JsonPropertyDescription("Names of restApi.apiKeys the plan applies to; a key not named by any plan is refused by methods with apiKeyRequired.")
    public List<@Size(max = 40) String> keys = new ArrayList<>();

    public UsagePlan() {}

    public UsagePlan(String name, List<String> keys) {
      this.name = name;
      this.keys = new ArrayList<>(keys);
    }
  }

  /** A usage plan's quota. */
  public static class Quota {
    /** Requests per period. */
    @Required
    @Min(1)
    @JsonPropertyDescription("Requests each key may make per period.")
    public Integer limit;

    /** The period the limit counts over. */
    @Required
    @JsonPropertyDescription("The period the limit counts over: DAY, WEEK or MONTH.")
    public QuotaPeriod period;

    public Quota() {}

    public Quota(int limit, QuotaPeriod period) {
      this.limit = limit;
      this.period = period;
    }
  }

  public enum QuotaPeriod {
    DAY,
    WEEK,
    MONTH
  }
}
