package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Lambda function of a service. The fields spec.functionDefaults may set are null when the
 * function leaves them unset; {@link FunctionDefaults#resolve} fills them in, and everything that
 * builds the function reads the resolved spec.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.tables) || self.tables.all(t, self.tables.exists_one(u, u.name == t.name))",
    message = "a table may be named once per function",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.caches) || size(self.caches) == 0 || (has(self.vpc) && has(self.vpc.network) && self.vpc.network)",
    message = "a function that names caches must be placed by the network (vpc.network: true): only the functions group reaches a cache",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.provisionedConcurrency) || !has(self.reservedConcurrency) || self.provisionedConcurrency <= self.reservedConcurrency",
    message = "provisionedConcurrency cannot exceed reservedConcurrency",
    reason = "FieldValueInvalid")
public class FunctionSpec {

  /** The retention periods CloudWatch Logs offers; shared with spec.functionDefaults. */
  static final String LOG_RETENTION_RULE =
      "self in [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]";
  static final String LOG_RETENTION_MESSAGE =
      "logRetentionDays must be one of the periods CloudWatch Logs offers: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180,"
          + " 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653";

  @Required
  @Size(max = 40)
  @Pattern("^[a-zA-Z0-9][a-zA-Z0-9_-]*$")
  @JsonPropertyDescription("Logical function name; the Lambda function is <namePrefix>-<name>. Routes and releases refer to it by this name.")
  public String name;

  @JsonPropertyDescription("Lambda runtime of a zip function. Default: spec.functionDefaults.runtime; a zip function needs one or the other.")
  public Runtime runtime;

  @Size(max = 128)
  @JsonPropertyDescription("Handler of a zip function, for example handlers.api.conversation.handler.")
  public String handler;

  @Min(128)
  @Max(10240)
  @JsonPropertyDescription("Memory in MB, 128 to 10240. Default: spec.functionDefaults.memoryMB, else 128.")
  public Integer memoryMB;

  @Min(1)
  @Max(900)
  @JsonPropertyDescription("Timeout in seconds, 1 to 900. Default: spec.functionDefaults.timeoutSeconds, else 3.")
  public Integer timeoutSeconds;

  @JsonPropertyDescription("Instruction set: x86_64 or arm64. Default: spec.functionDefaults.architecture, else x86_64.")
  public Architecture architecture;

  @Size(max = 256)
  @JsonPropertyDescription("Description shown in the Lambda console.")
  public String description;

  @Size(max = 5)
  @JsonPropertyDescription("Lambda layer version ARNs, in the order Lambda merges them (at most 5).")
  public List<@Pattern("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[a-zA-Z0-9_-]+:[0-9]+$") String> layers = new ArrayList<>();

  @Min(512)
  @Max(10240)
  @JsonPropertyDescription("Size of /tmp in MB, 512 to 10240. Default: spec.functionDefaults.ephemeralStorageMB, else 512.")
  public Integer ephemeralStorageMB;

  @JsonPropertyDescription(
      "X-Ray tracing: Active samples and traces invocations (the role is granted xray:PutTraceSegments and PutTelemetryRecords);"
          + " PassThrough only passes an upstream trace on. Default: spec.functionDefaults.tracing, else PassThrough.")
  public Tracing tracing;

  @JsonPropertyDescription("Where Lambda sends events of asynchronous invocations that failed every retry: a topic of this service or an SQS queue. The role is granted exactly that send.")
  public DeadLetter deadLetter;

  @Required
  @JsonPropertyDescription("Where the function's code comes from. A change of code is shipped as a LambdaRelease.")
  public CodeSource code;

  @Size(max = 64)
  @JsonPropertyDescription(
      "Environment variables, merged over spec.functionDefaults.environment (a variable set here wins). Never put secrets here: they"
          + " are readable by anyone who can read the function's configuration.")
  public Map<String, String> environment = new LinkedHashMap<>();

  @Size(max = 32)
  @JsonPropertyDescription(
      "Environment variables whose values are names or ARNs of this service's own resources, so nobody types physical names by"
          + " hand: for example TABLE_NAME: { table: conversations }. A variable may not be in both environment and environmentFrom;"
          + " one here replaces a variable of the same name from spec.functionDefaults.environment.")
  public Map<String, EnvironmentSource> environmentFrom = new LinkedHashMap<>();

  @JsonPropertyDescription("VPC placement: the service's network (network: true) or explicit subnets and security groups. Adds the ENI"
      + " permissions to the execution role.")
  public VpcConfig vpc;

  @Min(0)
  @JsonPropertyDescription("Reserved concurrency: the most concurrent executions this function may use. Absent means unreserved.")
  public Integer reservedConcurrency;

  @Min(1)
  @JsonPropertyDescription("Provisioned concurrency kept warm on the alias.")
  public Integer provisionedConcurrency;

  @Size(max = 32)
  @JsonPropertyDescription("Tables of this service the function may use, and how. The generated execution-role policy grants exactly this.")
  public List<TableAccess> tables = new ArrayList<>();

  @Size(max = 32)
  @JsonPropertyDescription("Topics of this service the function may publish to. The generated execution-role policy grants sns:Publish on exactly these.")
  public List<NamedRef> topics = new ArrayList<>();

  @Size(max = 32)
  @JsonPropertyDescription(
      "Parameters of this service the function may read. The generated execution-role policy grants ssm:GetParameter(s) on exactly"
          + " these, and kms:Decrypt on a SecureString's key given by ARN.")
  public List<NamedRef> parameters = new ArrayList<>();

  @Size(max = 10)
  @JsonPropertyDescription(
      "Event sources the function reads: a table's DynamoDB stream or an SQS queue, each through a Lambda event source mapping that"
          + " invokes the function's stage alias, so a release's traffic shifting applies to stream records and messages too. The"
          + " execution role is granted exactly the reads each source needs.")
  public List<EventSourceSpec> events = new ArrayList<>();

  @Size(max = 8)
  @JsonPropertyDescription(
      "Databases of this service the function uses. The execution role is granted secretsmanager:GetSecretValue on exactly each one's"
          + " master-user secret, and the database's security group admits the functions group, so the function must have vpc.network true.")
  public List<DatabaseAccess> databases = new ArrayList<>();

  @Size(max = 8)
  @JsonPropertyDescription(
      "Caches of this service (spec.caches) the function uses: it must be placed by the network (vpc.network: true), whose functions group"
          + " each cache admits, and it is created after them, so environmentFrom can hand it their endpoints. No IAM grant is involved:"
          + " the caches take no AUTH token, the network alone decides who reaches them.")
  public List<NamedRef> caches = new ArrayList<>();

  @JsonPropertyDescription("Further grants of the execution role, each named for what it allows, plus reviewed extra statements.")
  public Permissions permissions;

  @ValidationRule(value = LOG_RETENTION_RULE, message = LOG_RETENTION_MESSAGE)
  @JsonPropertyDescription(
      "Days CloudWatch Logs keeps the function's log group /aws/lambda/<function name>, which Slipway creates (and deletes with the"
          + " function under deletionPolicy Delete): one of the periods CloudWatch Logs offers. Default:"
          + " spec.functionDefaults.logRetentionDays, else 30.")
  public Integer logRetentionDays;

  @Size(max = 253)
  @JsonPropertyDescription("CanaryPolicy (same namespace) used when a change of this function is released. Absent means AllAtOnce.")
  public String releasePolicy;

  /** Named grants for what functions commonly need, and extra statements for the rest. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Permissions {
    @JsonPropertyDescription("Amazon Bedrock models the function may invoke (bedrock:InvokeModel and InvokeModelWithResponseStream).")
    public BedrockInvoke bedrockInvoke;

    @JsonPropertyDescription(
        "Allow execute-api:ManageConnections on this service's WebSocket API stage (POST/GET/DELETE @connections), which a handler"
            + " replying to clients needs.")
    public Boolean webSocketManageConnections;

    @Size(max = 16)
    @JsonPropertyDescription("S3 buckets (optionally a key prefix) the function may read, or read and write.")
    public List<S3Access> s3 = new ArrayList<>();

    @Size(max = 16)
    @JsonPropertyDescription(
        "Extra IAM statements (Allow). Wildcards in actions and Resource \"*\" are refused unless allowWildcard is true, which"
            + " is then reported as a Warning event.")
    public List<Statement> statements = new ArrayList<>();
  }

  /** Bedrock models a function may invoke. */
  public static class BedrockInvoke {
    @Required
    @Size(min = 1, max = 16)
    @JsonPropertyDescription(
        "Model ids (for example anthropic.claude-3-5-sonnet-20240620-v1:0) or full ARNs of models or inference profiles.")
    public List<String> models = new ArrayList<>();
  }

  /** One bucket a function may use. */
  public static class S3Access {
    @Required
    @Pattern("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    @JsonPropertyDescription("Bucket name.")
    public String bucket;

    @Size(max = 512)
    @JsonPropertyDescription("Key prefix the grant is limited to, for example uploads/. Absent means the whole bucket.")
    public String prefix;

    @JsonPropertyDescription("ReadOnly grants GetObject and ListBucket; ReadWrite (the default) adds PutObject and DeleteObject.")
    public TableAccess.Access access = TableAccess.Access.ReadWrite;
  }

  /** One extra IAM statement. */
  public static class Statement {
    @Required
    @Size(min = 1, max = 32)
    @JsonPropertyDescription("IAM actions, for example sqs:SendMessage.")
    public List<String> actions = new ArrayList<>();

    @Required
    @Size(min = 1, max = 32)
    @JsonPropertyDescription("Resource ARNs the actions apply to.")
    public List<String> resources = new ArrayList<>();

    @JsonPropertyDescription("Accept wildcards in actions or Resource \"*\" (reported as a Warning event). Default false.")
    public Boolean allowWildcard;
  }

  /** Lambda runtimes Slipway accepts for zip functions. */
  public enum Runtime {
    @JsonProperty("python3.9") PYTHON_3_9,
    @JsonProperty("python3.10") PYTHON_3_10,
    @JsonProperty("python3.11") PYTHON_3_11,
    @JsonProperty("python3.12") PYTHON_3_12,
    @JsonProperty("python3.13") PYTHON_3_13,
    @JsonProperty("nodejs18.x") NODEJS_18,
    @JsonProperty("nodejs20.x") NODEJS_20,
    @JsonProperty("nodejs22.x") NODEJS_22,
    @JsonProperty("java17") JAVA_17,
    @JsonProperty("java21") JAVA_21,
    @JsonProperty("dotnet8") DOTNET_8,
    @JsonProperty("ruby3.3") RUBY_3_3,
    @JsonProperty("provided.al2") PROVIDED_AL2,
    @JsonProperty("provided.al2023") PROVIDED_AL2023;

    /** The identifier Lambda uses, for example {@code python3.12}. */
    public String id() {
      try {
        return Runtime.class.getField(name()).getAnnotation(JsonProperty.class).value();
      } catch (NoSuchFieldException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  public enum Architecture {
    x86_64,
    arm64
  }

  /** One table a function may use. */
  public static class TableAccess {
    @Required
    @Size(max = 64)
    @JsonPropertyDescription("Name of a table in spec.tables.")
    public String name;

    @JsonPropertyDescription("ReadOnly grants Get/Query/Scan/BatchGet/DescribeTable (and stream reads); ReadWrite (the default) adds Put/Update/Delete/BatchWrite.")
    public Access access = Access.ReadWrite;

    public TableAccess() {}

    public TableAccess(String name, Access access) {
      this.name = name;
      this.access = access;
    }

    public enum Access {
      ReadOnly,
      ReadWrite
    }
  }

  /** One database a function uses. */
  public static class DatabaseAccess {
    @Required
    @Size(max = 24)
    @JsonPropertyDescription("Name of a database in spec.databases.")
    public String name;

    @JsonPropertyDescription("ReadOnly or ReadWrite (the default): what the function means to do. Both are granted the one master-user secret"
        + " AWS manages per database; a ReadOnly function of an Aurora database should connect to its readerEndpoint.")
    public TableAccess.Access access = TableAccess.Access.ReadWrite;
  }

  /** X-Ray tracing modes. */
  public enum Tracing {
    Active,
    PassThrough
  }

  /** The dead-letter target of a function's asynchronous invocations. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "has(self.topic) != has(self.queueArn)", message = "a deadLetter names exactly one of topic and queueArn", reason = "FieldValueInvalid")
  public static class DeadLetter {
    @Size(max = 64)
    @JsonPropertyDescription("A topic in spec.topics.")
    public String topic;

    @Pattern("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[a-zA-Z0-9_-]{1,80}$")
    @JsonPropertyDescription("ARN of an SQS queue; a SlipwayTenancy of the namespace must allow it (queueArns).")
    public String queueArn;
  }

  /** A resource of this service whose name or ARN becomes an environment variable's value. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "(has(self.table) ? 1 : 0) + (has(self.topic) ? 1 : 0) + (has(self.parameter) ? 1 : 0) + (has(self.database) ? 1 : 0)"
          + " + (has(self.cache) ? 1 : 0) == 1",
      message = "an environmentFrom entry names exactly one of table, topic, parameter, database and cache",
      reason = "FieldValueInvalid")
  public static class EnvironmentSource {
    @Size(max = 64)
    @JsonPropertyDescription("A table in spec.tables: the value is its AWS name.")
    public String table;

    @Size(max = 64)
    @JsonPropertyDescription("A topic in spec.topics: the value is its ARN.")
    public String topic;

    @Size(max = 128)
    @JsonPropertyDescription("A parameter in spec.parameters: the value is its AWS name, which the function reads at run time (never the value itself).")
    public String parameter;

    @JsonPropertyDescription("A database in spec.databases: the value is one of its outputs, for example its endpoint or its secret's ARN"
        + " (never the password, which the function reads from the secret at run time).")
    public DatabaseOutput database;

    @JsonPropertyDescription("A cache the function names in its caches: the value is one of its outputs, its endpoint, readerEndpoint or port.")
    public CacheOutput cache;
  }

  /** One output of a database, as an environment variable's value. */
  public static class DatabaseOutput {
    @Required
    @Size(max = 24)
    @JsonPropertyDescription("Name of a database in spec.databases.")
    public String name;

    @Required
    @JsonPropertyDescription("endpoint, readerEndpoint (Aurora only), port or secretArn.")
    public Value value;

    /** The outputs of a database a variable can take. */
    public enum Value {
      endpoint,
      readerEndpoint,
      port,
      secretArn
    }
  }

  /** One output of a cache, as an environment variable's value. */
  public static class CacheOutput {
    @Required
    @Size(max = 20)
    @JsonPropertyDescription("Name of a cache in the function's caches.")
    public String name;

    @Required
    @JsonPropertyDescription("endpoint (the primary's address), readerEndpoint (a cache with replicas) or port.")
    public Value value;

    /** The outputs of a cache a variable can take. */
    public enum Value {
      endpoint,
      readerEndpoint,
      port
    }
  }

  /** A resource of this service a function uses, by its logical name. */
  public static class NamedRef {
    @Required
    @Size(max = 128)
    @JsonPropertyDescription("Logical name of the resource in this ServerlessService's spec.")
    public String name;

    public NamedRef() {}

    public NamedRef(String name) {
      this.name = name;
    }
  }

  /** VPC placement of a function: the service's network, or subnets and groups by id. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "(has(self.network) && self.network) ? !has(self.subnetIds) && !has(self.securityGroupIds) : has(self.subnetIds) && has(self.securityGroupIds)",
      message = "vpc is either network: true or subnetIds with securityGroupIds",
      reason = "FieldValueInvalid")
  public static class VpcConfig {
    @JsonPropertyDescription("Places the function in the private subnets of spec.network, in its functions security group.")
    public Boolean network;

    @Size(min = 1, max = 16)
    @JsonPropertyDescription("Subnet ids, when the function is not placed by network.")
    public List<String> subnetIds;

    @Size(min = 1, max = 5)
    @JsonPropertyDescription("Security group ids, when the function is not placed by network.")
    public List<String> securityGroupIds;

    /** Whether the service's network places the function. */
    public boolean byNetwork() {
      return Boolean.TRUE.equals(network);
    }
  }
}
