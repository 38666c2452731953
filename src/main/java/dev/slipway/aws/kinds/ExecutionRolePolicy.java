package dev.slipway.aws.kinds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.FunctionSpec.TableAccess.Access;
import dev.slipway.api.v1alpha1.TableSpec;
import dev.slipway.aws.SlipwayException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The least-privilege policies of a function's execution role, generated from the spec alone: the
 * function's own log group, exactly the access level's actions on exactly the tables it names (and
 * their indexes and streams), ENI actions only for a function in a VPC. Output is deterministic
 * (fixed statement order, sorted actions and resources) so that it compares exactly with what IAM
 * stores.
 */
public final class ExecutionRolePolicy {

  static final List<String> READ_ONLY =
      List.of("dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan");
  static final List<String> READ_WRITE =
      Stream.concat(READ_ONLY.stream(), Stream.of("dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"))
          .sorted()
          .toList();
  // ListStreams is left out on purpose: it cannot be scoped to a table (it needs Resource "*"), and
  // a consumer gets the stream ARN from the service's outputs.
  static final List<String> STREAM_READ = List.of("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator");
  static final List<String> LOGS = List.of("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents");
  // What Lambda needs to attach a function to a VPC; EC2 does not scope these to a resource.
  static final List<String> VPC_ENI =
      List.of(
          "ec2:AssignPrivateIpAddresses",
          "ec2:CreateNetworkInterface",
          "ec2:DeleteNetworkInterface",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeSubnets",
          "ec2:UnassignPrivateIpAddresses");

  /** IAM's limit on the inline policies of one role, in characters. */
  static final int MAX_INLINE_POLICY_SIZE = 10_240;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Lets Lambda, and nothing else, assume the role. */
  public static final String TRUST_POLICY =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";

  /** Where ARNs point: the partition, region and account of the service. */
  public record Scope(String region, String account) {
    public String partition() {
      if (region.startsWith("cn-")) {
        return "aws-cn";
      }
      return region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
    }

    public String tableArn(String physicalTable) {
      return "arn:" + partition() + ":dynamodb:" + region + ":" + account + ":table/" + physicalTable;
    }

    /** The log group Lambda writes the function's logs to; {@code :*} covers its streams. */
    public String logGroupArn(String physicalFunction) {
      return "arn:" + partition() + ":logs:" + region + ":" + account + ":log-group:/aws/lambda/" + physicalFunction + ":*";
    }
  }

  private ExecutionRolePolicy() {}

  /**
   * The inline policy of one function's role.
   *
   * @param physicalFunction the Lambda function's AWS name (its log group is named after it)
   * @param tables the service's tables by logical name
   * @param physicalTable maps a logical table name to its AWS name
   */
  public static String document(Scope scope, String physicalFunction, FunctionSpec function, Map<String, TableSpec> tables, UnaryOperator<String> physicalTable) {
    ObjectNode doc = JSON.createObjectNode().put("Version", "2012-10-17");
    ArrayNode statements = doc.putArray("Statement");
    statements.add(statement("Logs", LOGS, List.of(scope.logGroupArn(physicalFunction))));

    TreeSet<String> readOnly = new TreeSet<>();
    TreeSet<String> readWrite = new TreeSet<>();
    TreeSet<String> streams = new TreeSet<>();
    for (FunctionSpec.TableAccess access : function.tables) {
      TableSpec table = tables.get(access.name);
      if (table == null) {
        throw SlipwayException.terminal("InvalidSpec", "function " + function.name + " names table " + access.name + ", which spec.tables does not declare");
      }
      String arn = scope.tableArn(physicalTable.apply(table.name));
      TreeSet<String> target = access.access == Access.ReadOnly ? readOnly : readWrite;
      target.add(arn);
      target.add(arn + "/index/*");
      if (table.streamView != null) {
        streams.add(arn + "/stream/*");
      }
    }
    if (!readOnly.isEmpty()) {
      statements.add(statement("DynamoDBReadOnly", READ_ONLY, List.copyOf(readOnly)));
    }
    if (!readWrite.isEmpty()) {
      statements.add(statement("DynamoDBReadWrite", READ_WRITE, List.copyOf(readWrite)));
    }
    if (!streams.isEmpty()) {
      statements.add(statement("DynamoDBStreams", STREAM_READ, List.copyOf(streams)));
    }
    if (function.vpc != null) {
      statements.add(statement("VpcNetworkInterfaces", VPC_ENI, null));
    }
    String text = doc.toString();
    if (text.length() > MAX_INLINE_POLICY_SIZE) {
      throw SlipwayException.terminal(
          "PolicyTooLarge", "the execution policy of function " + function.name + " has " + text.length() + " characters; IAM allows " + MAX_INLINE_POLICY_SIZE);
    }
    return text;
  }

  /** Parses a policy document as IAM returns it (URL-encoded) or as Slipway writes it. */
  public static JsonNode parse(String document) {
    String text = document.trim().startsWith("{") ? document : URLDecoder.decode(document, StandardCharsets.UTF_8);
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw SlipwayException.retryable("PolicyUnreadable", "IAM returned a policy document that is not JSON: " + e.getOriginalMessage());
    }
  }

  /** A statement; {@code resources == null} means {@code "*"}, for actions AWS cannot scope. */
  private static ObjectNode statement(String sid, List<String> actions, List<String> resources) {
    ObjectNode s = JSON.createObjectNode().put("Sid", sid).put("Effect", "Allow");
    actions.stream().sorted().forEach(s.putArray("Action")::add);
    if (resources == null) {
      s.put("Resource", "*");
    } else {
      resources.stream().sorted().forEach(s.putArray("Resource")::add);
    }
    return s;
  }
}
