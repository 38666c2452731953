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

/**
 * A relational database of the service in the network's private subnets: an Aurora cluster (Serverless
 * v2, or a provisioned writer of an instance class) or a single RDS instance. AWS manages the master
 * password in Secrets Manager; only the secret's ARN is ever seen.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.serverless) != has(self.instance)",
    message = "a database is either serverless (Aurora Serverless v2) or an instance",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.serverless) || self.engine.startsWith('aurora-')",
    message = "serverless (Aurora Serverless v2) needs an aurora engine",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "!self.engine.startsWith('aurora-') || !has(self.instance) || (!has(self.instance.allocatedStorage) && !has(self.instance.multiAz))",
    message = "an Aurora database's instance is its writer: only instanceClass applies (Aurora storage grows by itself)",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "self.engine.startsWith('aurora-') || !has(self.instance) || has(self.instance.allocatedStorage)",
    message = "an RDS instance needs instance.allocatedStorage",
    reason = "FieldValueRequired")
public class DatabaseSpec {

  @Required
  @Size(max = 24)
  @Pattern("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
  @JsonPropertyDescription("Logical database name; the cluster or instance is <namePrefix>-<name> (lower case). Functions refer to it by"
      + " this name. Outputs: databases.<name>.endpoint, .readerEndpoint (Aurora), .port and .secretArn.")
  public String name;

  @Required
  @JsonPropertyDescription("aurora-postgresql or aurora-mysql (an Aurora cluster), postgres or mysql (an RDS instance). An engine cannot be"
      + " changed in place: a change is refused, never a silent replacement.")
  public Engine engine;

  @Required
  @Size(max = 32)
  @Pattern("^[0-9]+(\\.[0-9a-z_]+)*$")
  @JsonPropertyDescription("Engine version, for example 16.4 or 8.0.mysql_aurora.3.08.0. A higher version is an in-place upgrade (a major one included); a lower one"
      + " is refused, AWS cannot downgrade.")
  public String engineVersion;

  @JsonPropertyDescription("Aurora Serverless v2 capacity, in ACUs; the writer is a db.serverless instance. Aurora engines only.")
  public Serverless serverless;

  @JsonPropertyDescription("A provisioned instance: the RDS instance, or for an Aurora engine the cluster's writer (instanceClass only).")
  public Instance instance;

  @Min(1150)
  @Max(65535)
  @JsonPropertyDescription("The port the database listens on and the only one its security group opens to the functions group. Default: the"
      + " engine's (5432 for PostgreSQL, 3306 for MySQL).")
  public Integer port;

  @Size(max = 63)
  @Pattern("^[a-zA-Z][a-zA-Z0-9_]*$")
  @JsonPropertyDescription("Name of the database created with the cluster or instance. Absent means none besides the engine's default."
      + " Set at creation only.")
  public String databaseName;

  @Size(max = 16)
  @Pattern("^[a-zA-Z][a-zA-Z0-9_]*$")
  @JsonPropertyDescription("Master user name; its password is generated and kept by AWS in Secrets Manager (ManageMasterUserPassword)."
      + " Set at creation only. Default slipway.")
  public String masterUsername = "slipway";

  @Min(1)
  @Max(35)
  @JsonPropertyDescription("Days AWS keeps automated backups, 1 to 35. Default 7.")
  public Integer backupRetentionDays = 7;

  @Size(max = 255)
  @Pattern("^[a-zA-Z][a-zA-Z0-9:-]*$")
  @JsonPropertyDescription("Restore from this snapshot instead of creating empty (disaster recovery): a DB cluster snapshot for Aurora, a DB"
      + " snapshot for an instance, by identifier or ARN. Used only when the database is created; later changes have no effect.")
  public String fromSnapshot;

  /** Whether the engine is an Aurora one: a cluster with a writer instance. */
  public boolean aurora() {
    return engine.aurora();
  }

  /** The port the spec asks for, else the engine's. */
  public int effectivePort() {
    return port != null ? port : engine.defaultPort();
  }

  /** Aurora Serverless v2 capacity range. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "self.minCapacity <= self.maxCapacity", message = "minCapacity cannot exceed maxCapacity", reason = "FieldValueInvalid")
  public static class Serverless {
    @Required
    @Min(0.5)
    @Max(256)
    @JsonPropertyDescription("Least capacity in ACUs (steps of 0.5), for example 0.5 for dev.")
    public Double minCapacity;

    @Required
    @Min(1)
    @Max(256)
    @JsonPropertyDescription("Most capacity in ACUs (steps of 0.5) the cluster scales up to.")
    public Double maxCapacity;
  }

  /** A provisioned instance. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Instance {
    @Required
    @Size(max = 32)
    @Pattern("^db\\.[a-z0-9]+\\.[a-z0-9]+$")
    @JsonPropertyDescription("Instance class, for example db.t4g.micro. Changed in place.")
    public String instanceClass;

    @Min(20)
    @Max(65536)
    @JsonPropertyDescription("Storage in GiB, 20 to 65536; RDS instances only (required there). Can grow in place, never shrink.")
    public Integer allocatedStorage;

    @JsonPropertyDescription("A standby in another zone; RDS instances only. Changed in place. Default false.")
    public Boolean multiAz;
  }

  /** The database engines Slipway manages. */
  public enum Engine {
    @JsonProperty("aurora-postgresql") AURORA_POSTGRESQL("aurora-postgresql", 5432),
    @JsonProperty("aurora-mysql") AURORA_MYSQL("aurora-mysql", 3306),
    @JsonProperty("postgres") POSTGRES("postgres", 5432),
    @JsonProperty("mysql") MYSQL("mysql", 3306);

    private final String id;
    private final int defaultPort;

    Engine(String id, int defaultPort) {
      this.id = id;
      this.defaultPort = defaultPort;
    }

    /** The engine as RDS names it. */
    public String id() {
      return id;
    }

    public int defaultPort() {
      return defaultPort;
    }

    public boolean aurora() {
      return id.startsWith("aurora-");
    }
  }
}
