package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.functions.all(f, self.functions.exists_one(g, g.name == f.name))",
    message = "function names must be unique",
    reason = "FieldValueInvalid")
// Here rather than on the function: the runtime may come from spec.functionDefaults.
@ValidationRule(
    value = "self.functions.all(f, has(f.code.imageUri) || ((has(f.runtime) || (has(self.functionDefaults) && has(self.functionDefaults.runtime))) && has(f.handler)))",
    message = "a zip function needs runtime and handler (the runtime may come from spec.functionDefaults)",
    reason = "FieldValueRequired")
@ValidationRule(
    value = "!has(self.tables) || self.tables.all(t, self.tables.exists_one(u, u.name == t.name))",
    message = "table names must be unique",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "self.functions.all(f, !has(f.tables) || f.tables.all(a, has(self.tables) && self.tables.exists(t, t.name == a.name)))",
    message = "every table a function names in functions[].tables must be declared in spec.tables",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "self.functions.all(f, !has(f.events) || f.events.all(e, !has(e.table)"
        + " || (has(self.tables) && self.tables.exists(t, t.name == e.table && has(t.streamView)))))",
    message = "every table a function reads in functions[].events must be declared in spec.tables with a streamView",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "self.functions.all(f, !has(f.events) || f.events.all(e, !has(e.onFailure) || !has(e.onFailure.topic)"
        + " || (has(self.topics) && self.topics.exists(t, t.name == e.onFailure.topic))))",
    message = "every onFailure topic in functions[].events must be declared in spec.topics",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.topics) || self.topics.all(t, self.topics.exists_one(u, u.name == t.name))",
    message = "topic names must be unique",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "self.functions.all(f, !has(f.topics) || f.topics.all(a, has(self.topics) && self.topics.exists(t, t.name == a.name)))",
    message = "every topic a function names in functions[].topics must be declared in spec.topics",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.topics) || self.topics.all(t, !has(t.subscriptions) || t.subscriptions.all(s, s.protocol != 'lambda' || self.functions.exists(f, f.name == s.endpoint)))",
    message = "a lambda subscription's endpoint must name a function of this service",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.parameters) || self.parameters.all(p, self.parameters.exists_one(q, q.name == p.name))",
    message = "parameter names must be unique",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "self.functions.all(f, !has(f.parameters) || f.parameters.all(a, has(self.parameters) && self.parameters.exists(p, p.name == a.name)))",
    message = "every parameter a function names in functions[].parameters must be declared in spec.parameters",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.databases) || self.databases.all(d, self.databases.exists_one(e, e.name == d.name))",
    message = "database names must be unique",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "self.functions.all(f, !has(f.databases) || f.databases.all(a, has(self.databases) && self.databases.exists(d, d.name == a.name)))",
    message = "every database a function names in functions[].databases must be declared in spec.databases",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.restApi) || self.restApi.routes.all(r, self.functions.exists(f, f.name == r.function))",
    message = "every restApi route must name a function of this service",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.restApi) || has(self.auth) || self.restApi.routes.all(r, !has(r.authorization) || r.authorization != 'COGNITO')",
    message = "routes with authorization COGNITO need spec.auth, whose user pool checks the tokens",
    reason = "FieldValueRequired")
@ValidationRule(
    value = "!has(self.webSocketApi) || self.webSocketApi.routes.all(k, self.functions.exists(f, f.name == self.webSocketApi.routes[k]))",
    message = "every webSocketApi route must name a function of this service",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.webSocketApi) || !has(self.webSocketApi.authorizer) || self.functions.exists(f, f.name == self.webSocketApi.authorizer.function)",
    message = "webSocketApi.authorizer must name a function of this service",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.monitoring) || !has(self.monitoring.alarmTopic) || (has(self.topics) && self.topics.exists(t, t.name == self.monitoring.alarmTopic))",
    message = "monitoring.alarmTopic must name a topic declared in spec.topics",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.monitoring) || !has(self.monitoring.defaultAlarms) || self.monitoring.defaultAlarms.all(k,"
        + " (has(self.restApi) && k in ['api-5xx', 'api-p99-latency']) || (has(self.webSocketApi) && k == 'websocket-errors')"
        + " || self.functions.exists(f, k in [f.name + '-errors', f.name + '-throttles', f.name + '-p99-duration'])"
        + " || (has(self.tables) && self.tables.exists(t, k in [t.name + '-read-throttles', t.name + '-write-throttles'])))",
    message = "monitoring.defaultAlarms may only name default alarms of this service: api-5xx, api-p99-latency (with a restApi),"
        + " websocket-errors (with a webSocketApi), <function>-errors, <function>-throttles, <function>-p99-duration,"
        + " <table>-read-throttles, <table>-write-throttles",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "self.functions.all(f, !has(f.vpc) || !has(f.vpc.network) || !f.vpc.network || has(self.network))",
    message = "a function with vpc.network true needs spec.network",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.domain) || !has(self.domain.api) || has(self.restApi)",
    message = "domain.api needs spec.restApi, the API it names",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.domain) || !has(self.domain.webSocket) || has(self.webSocketApi)",
    message = "domain.webSocket needs spec.webSocketApi, the API it names",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.domain) || !has(self.domain.frontend) || has(self.frontend)",
    message = "domain.frontend needs spec.frontend, the distribution it names",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.caches) || self.caches.all(c, self.caches.exists_one(d, d.name == c.name))",
    message = "cache names must be unique",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "self.functions.all(f, !has(f.caches) || f.caches.all(a, has(self.caches) && self.caches.exists(c, c.name == a.name)))",
    message = "every cache a function names in functions[].caches must be declared in spec.caches",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.caches) || size(self.caches) == 0 || has(self.network)",
    message = "spec.caches needs spec.network: a cache lives in the network's private subnets",
    reason = "FieldValueRequired")
@ValidationRule(
    value = "self.region == oldSelf.region",
    message = "region is immutable: create a new ServerlessService to move a stack",
    reason = "FieldValueForbidden")
public class ServerlessServiceSpec {

  @Required
  @Pattern("^[a-z0-9][a-z0-9-]{0,19}$")
  @JsonPropertyDescription(
      "Deployment stage (for example dev, staging, prod). It is part of every AWS resource name and the name"
          + " of each function's alias.")
  public String stage;

  @Required
  @Pattern("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$")
  @JsonPropertyDescription("AWS region of every resource of this service, for example us-east-1. Immutable.")
  public String region;

  @Pattern("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$")
  @JsonPropertyDescription(
      "IAM role assumed through STS for every AWS call made for this service. When absent the operator's own"
          + " credentials (default chain, IRSA) are used.")
  public String roleArn;

  @Pattern("^[a-zA-Z0-9][a-zA-Z0-9-]{0,31}$")
  @JsonPropertyDescription(
      "Prefix of every AWS resource name. Defaults to <metadata.name>-<stage>, for example nexus-prod, so a"
          + " table 'usage' becomes nexus-prod-usage.")
  public String namePrefix;

  @Default("Retain")
  @JsonPropertyDescription(
      "What happens to the AWS resources when this object is deleted: Retain leaves them, Delete removes them"
          + " in reverse dependency order. Resources dropped from the spec follow the same policy.")
  public DeletionPolicy deletionPolicy = DeletionPolicy.Retain;

  @JsonPropertyDescription("Tags put on every AWS resource that supports tags, next to Slipway's own tags.")
  public Map<String, String> tags = new LinkedHashMap<>();

  @Size(max = 32)
  @JsonPropertyDescription("DynamoDB tables of this service.")
  public List<TableSpec> tables = new ArrayList<>();

  @JsonPropertyDescription(
      "Settings every function inherits unless it sets its own: runtime, memoryMB, timeoutSeconds, architecture, tracing,"
          + " ephemeralStorageMB and logRetentionDays field by field; environment is merged, a function's own variables winning.")
  public FunctionDefaultsSpec functionDefaults;

  @Required
  @Size(min = 1, max = 32)
  @JsonPropertyDescription("Lambda functions of this service. Each gets a version per change and an alias named after stage.")
  public List<FunctionSpec> functions = new ArrayList<>();

  @Size(max = 32)
  @JsonPropertyDescription("SNS topics of this service. Each topic's ARN is an output, topic.<name>.arn.")
  public List<TopicSpec> topics = new ArrayList<>();

  @Size(max = 32)
  @JsonPropertyDescription(
      "SSM Parameter Store parameters of this service: configuration and secrets functions read at run time. Each parameter's name"
          + " is an output, parameter.<name>.name.")
  public List<ParameterSpec> parameters = new ArrayList<>();

  @JsonPropertyDescription("REST API (API Gateway v1) routing paths and methods to functions.")
  public RestApiSpec restApi;

  @JsonPropertyDescription("WebSocket API (API Gateway v2) routing route keys to functions.")
  public WebSocketApiSpec webSocketApi;

  @JsonPropertyDescription(
      "Sign-in: a Cognito user pool with app clients and an optional hosted-UI domain. Outputs: auth.userPoolId, auth.userPoolArn,"
          + " auth.issuerUrl, auth.client.<name>.id and, with a domain, auth.domainUrl.")
  public AuthSpec auth;

  @JsonPropertyDescription(
      "A static web frontend: a private S3 bucket behind a CloudFront distribution (origin access control, HTTPS only), its files"
          + " unpacked from a zip artifact, and a runtime configuration file with the backend's addresses. Outputs: frontend.url,"
          + " frontend.distributionDomain, frontend.distributionId, frontend.bucket.")
  public FrontendSpec frontend;

  @JsonPropertyDescription(
      "Custom domain names in an existing public Route53 hosted zone: DNS-validated ACM certificates, the REST and WebSocket APIs'"
          + " domain names with their mappings, the frontend distribution's alias, alias records. Outputs: domain.restApiUrl,"
          + " domain.webSocketUrl, domain.frontendUrl.")
  public DomainSpec domain;

  @JsonPropertyDescription(
      "CloudWatch alarms (defaults per API, function and table, adjustable by name, and alarms of your own) with an SNS topic as"
          + " their action, and a generated dashboard. Absent means no alarms and no dashboard.")
  public MonitoringSpec monitoring;

  @JsonPropertyDescription("The service's VPC, subnets, internet gateway, route tables and security groups. Its ids are outputs"
      + " (network.vpcId, network.subnet.<name>.id, network.securityGroup.<name>.id).")
  public NetworkSpec network;

  @Size(max = 8)
  @JsonPropertyDescription(
      "Relational databases in the private subnets of spec.network, which they need: Aurora (Serverless v2 or a provisioned writer) or"
          + " RDS instances, encrypted, with AWS-managed master credentials and a security group admitting only the functions group."
          + " Under deletionPolicy Retain they are deletion-protected; under Delete a final snapshot <id>-final-<time> is taken.")
  public List<DatabaseSpec> databases = new ArrayList<>();

  @Size(max = 8)
  @JsonPropertyDescription("ElastiCache caches (valkey or redis replication groups) in the network's private subnets, each reachable only from"
      + " the functions group on its port. Needs spec.network. Outputs: caches.<name>.endpoint (the primary's address),"
      + " caches.<name>.readerEndpoint (with replicas), caches.<name>.port.")
  public List<CacheSpec> caches = new ArrayList<>();

  @JsonPropertyDescription("Where the service's transitions are announced (the same channels as a CanaryPolicy's): ServiceReady when"
      + " a generation converged, ServiceDegraded when it became Degraded, ServiceDeleted when the object went; each once per"
      + " transition of the Ready condition, not per resync. Also the channels of its releases' events when a release's policy"
      + " names no notifications (or the release has no policy).")
  public CanaryPolicySpec.Notifications notifications;

  /** What Slipway does with AWS resources when they leave its care. */
  public enum DeletionPolicy {
    Retain,
    Delete
  }
}
