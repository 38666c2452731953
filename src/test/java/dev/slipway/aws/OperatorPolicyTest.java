package dev.slipway.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped operator policy ({@code deploy/iam/operator-policy.json}) against what the code can
 * call. Every AWS operation is read from the compiled main classes: {@code javap -v} lists each class's
 * constant pool, where every reference to a method of a {@code software.amazon.awssdk.services.*Client}
 * stands, whether the code calls it directly, in a lambda or through a method reference, and
 * whichever kind, reconciler or analyzer it is in; so a new call cannot be missed the way a list kept
 * by hand or the calls one test run happens to make can. Each operation maps to the IAM actions it
 * needs; the policy must allow all of them, and grant no other action (so no service the code never
 * calls).
 */
class OperatorPolicyTest {

  private static final Path CLASSES = Path.of("target/classes");
  private static final Path POLICY = Path.of("deploy/iam/operator-policy.json");
  /** What replaces the policy's statement of the same Sid where slipway.iam.permissions-boundary is set. */
  private static final Path BOUNDARY_STATEMENTS = Path.of("deploy/iam/permissions-boundary-statements.json");
  private static final String ROLE_STATEMENT = "IamExecutionRolesUnderTheSlipwayPath";
  private static final Pattern CLIENT_METHOD =
      Pattern.compile("Methodref\\s+#\\d+\\.#\\d+\\s+// software/amazon/awssdk/services/([a-z0-9]+)/[A-Za-z0-9]+Client\\.(\\w+):");
  /** Client methods that are not AWS operations. */
  private static final Set<String> NOT_OPERATIONS = Set.of("builder", "create", "close", "serviceName", "serviceClientConfiguration", "utilities", "waiter");

  /** The IAM prefix of each SDK service package. */
  private static final Map<String, String> PREFIX = Map.ofEntries(
      Map.entry("apigateway", "apigateway"),
      Map.entry("acm", "acm"),
      Map.entry("apigatewayv2", "apigateway"),
      Map.entry("cloudfront", "cloudfront"),
      Map.entry("cloudwatch", "cloudwatch"),
      Map.entry("cloudwatchlogs", "logs"),
      Map.entry("cognitoidentityprovider", "cognito-idp"),
      Map.entry("dynamodb", "dynamodb"),
      Map.entry("ec2", "ec2"),
      Map.entry("elasticache", "elasticache"),
      Map.entry("iam", "iam"),
      Map.entry("lambda", "lambda"),
      Map.entry("rds", "rds"),
      Map.entry("resourcegroupstaggingapi", "tag"),
      Map.entry("route53", "route53"),
      Map.entry("s3", "s3"),
      Map.entry("sns", "sns"),
      Map.entry("ssm", "ssm"),
      Map.entry("sts", "sts"));

  /** Operations whose IAM actions are not named after them. */
  private static final Map<String, List<String>> ACTIONS = Map.ofEntries(
      Map.entry("cloudfront:CreateDistributionWithTags", List.of("cloudfront:CreateDistribution", "cloudfront:TagResource")),
      Map.entry("lambda:Invoke", List.of("lambda:InvokeFunction")),
      Map.entry("s3:CopyObject", List.of("s3:GetObject", "s3:PutObject")),
      Map.entry("s3:DeleteObjects", List.of("s3:DeleteObject")),
      Map.entry("s3:HeadBucket", List.of("s3:ListBucket")),
      Map.entry("s3:HeadObject", List.of("s3:GetObject", "s3:GetObjectVersion")),
      Map.entry("s3:GetObject", List.of("s3:GetObject", "s3:GetObjectVersion")),
      Map.entry("s3:ListObjectsV2", List.of("s3:ListBucket")),
      Map.entry("s3:GetBucketEncryption", List.of("s3:GetEncryptionConfiguration")),
      Map.entry("s3:PutBucketEncryption", List.of("s3:PutEncryptionConfiguration")),
      Map.entry("s3:GetPublicAccessBlock", List.of("s3:GetBucketPublicAccessBlock")),
      Map.entry("s3:PutPublicAccessBlock", List.of("s3:PutBucketPublicAccessBlock")));

  private static final List<String> MANAGED_SECRET = List.of("secretsmanager:CreateSecret", "secretsmanager:TagResource");
  private static final String SERVICE_LINKED_ROLE = "iam:CreateServiceLinkedRole";
  /** A new database: its managed master secret, and the first one of an account RDS's service-linked role. */
  private static final List<String> NEW_DATABASE = Stream.concat(MANAGED_SECRET.stream(), Stream.of(SERVICE_LINKED_ROLE)).toList();

  /**
   * The service-linked roles the first database or cache of an account makes AWS create with the
   * caller's permissions, by service principal; the only IAM roles outside {@code /slipway/} the
   * policy may touch, and only to create them.
   */
  private static final Map<String, String> SERVICE_LINKED_ROLES = Map.of(
      "rds.amazonaws.com", "AWSServiceRoleForRDS",
      "elasticache.amazonaws.com", "AWSServiceRoleForElastiCache");

  /** What an operation needs besides its own action: the role it hands to Lambda, the key behind a SecureString, what AWS creates as the caller. */
  private static final Map<String, List<String>> ALSO = Map.ofEntries(
      Map.entry("lambda:CreateFunction", List.of("iam:PassRole")),
      Map.entry("lambda:UpdateFunctionConfiguration", List.of("iam:PassRole")),
      Map.entry("lambda:GetFunction", List.of("lambda:ListTags")),
      // The account's CloudWatch role is handed to API Gateway.
      Map.entry("apigateway:UpdateAccount", List.of("iam:PassRole")),
      Map.entry("ssm:PutParameter", List.of("kms:Encrypt")),
      Map.entry("ssm:GetParameter", List.of("kms:Decrypt")),
      // ManageMasterUserPassword: RDS makes the master secret with the caller's permissions.
      Map.entry("rds:CreateDBCluster", NEW_DATABASE),
      Map.entry("rds:CreateDBInstance", NEW_DATABASE),
      Map.entry("rds:ModifyDBCluster", MANAGED_SECRET),
      Map.entry("rds:ModifyDBInstance", MANAGED_SECRET),
      // The first database or cache of an account: AWS creates the service's service-linked role as the caller.
      Map.entry("rds:RestoreDBClusterFromSnapshot", List.of(SERVICE_LINKED_ROLE)),
      Map.entry("rds:RestoreDBInstanceFromDBSnapshot", List.of(SERVICE_LINKED_ROLE)),
      Map.entry("elasticache:CreateReplicationGroup", List.of(SERVICE_LINKED_ROLE)),
      Map.entry("elasticache:CreateServerlessCache", List.of(SERVICE_LINKED_ROLE)),
      // The final snapshot of a deletion is the caller's snapshot.
      Map.entry("rds:DeleteDBCluster", List.of("rds:CreateDBClusterSnapshot")),
      Map.entry("elasticache:DeleteServerlessCache", List.of("elasticache:CreateServerlessCacheSnapshot")),
      Map.entry("rds:DeleteDBInstance", List.of("rds:CreateDBSnapshot")));

  private static Set<String> operations;
  private static Set<String> needed;
  private static JsonNode policy;

  @BeforeAll
  static void derive() throws Exception {
    assertThat(CLASSES).as("compiled main classes").isDirectory();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "javap").toString(), "-v", "-p"));
    try (Stream<Path> files = Files.walk(CLASSES)) {
      files.filter(f -> f.toString().endsWith(".class")).map(Path::toString).forEach(command::add);
    }
    Process javap = new ProcessBuilder(command).redirectErrorStream(true).start();
    String listing = new String(javap.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(javap.waitFor()).as("javap exit code").isZero();

    operations = new TreeSet<>();
    Matcher m = CLIENT_METHOD.matcher(listing);
    while (m.find()) {
      if (!NOT_OPERATIONS.contains(m.group(2))) {
        operations.add(m.group(1) + ":" + operation(m.group(2)));
      }
    }
    // Credentials for spec.roleArn come from STS through the SDK's provider, with session tags.
    if (listing.contains("software/amazon/awssdk/services/sts/auth/StsAssumeRoleCredentialsProvider")) {
      operations.add("sts:AssumeRole");
    }
    needed = new TreeSet<>();
    operations.forEach(op -> needed.addAll(actions(op)));
    if (listing.contains("software/amazon/awssdk/services/sts/model/AssumeRoleRequest$Builder.tags")) {
      needed.add("sts:TagSession");
    }
    policy = new ObjectMapper().readTree(Files.readString(POLICY));
  }

  /** {@code getRestApisPaginator} is the operation GetRestApis. */
  private static String operation(String method) {
    String name = method.endsWith("Paginator") ? method.substring(0, method.length() - "Paginator".length()) : method;
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  /** The IAM actions one operation ({@code package:Operation}) needs. */
  private static List<String> actions(String op) {
    String pkg = op.substring(0, op.indexOf(':'));
    String name = op.substring(op.indexOf(':') + 1);
    String prefix = PREFIX.get(pkg);
    assertThat(prefix).as("IAM prefix of SDK service " + pkg + " (add it to PREFIX)").isNotNull();
    List<String> actions = new ArrayList<>();
    if (prefix.equals("apigateway")) {
      // API Gateway authorizes by HTTP method on the resource path, not by operation.
      actions.add("apigateway:" + apiGatewayVerb(pkg, name));
    } else {
      actions.addAll(ACTIONS.getOrDefault(prefix + ":" + name, List.of(prefix + ":" + name)));
    }
    actions.addAll(ALSO.getOrDefault(prefix + ":" + name, List.of()));
    return actions;
  }

  private static String apiGatewayVerb(String pkg, String name) {
    if (name.equals("TagResource")) {
      return pkg.equals("apigateway") ? "PUT" : "POST";
    }
    for (Map.Entry<String, String> e : Map.of("Get", "GET", "Create", "POST", "Put", "PUT", "Update", "PATCH", "Delete", "DELETE", "Untag", "DELETE").entrySet()) {
      if (name.startsWith(e.getKey())) {
        return e.getValue();
      }
    }
    throw new AssertionError("no HTTP method known for API Gateway operation " + name);
  }

  @Test
  void theScanFindsTheCallsOfEveryPartOfTheOperator() {
    // A scan that broke would find nothing and pass everything: check it sees calls from all sides.
    assertThat(operations).contains("apigateway:CreateRestApi", "iam:CreateRole", "lambda:UpdateAlias", "cloudwatch:GetMetricStatistics",
        "sns:Publish", "ec2:CreateVpc", "sts:AssumeRole", "s3:ListObjectsV2");
  }

  @Test
  void thePolicyAllowsEveryActionTheCodeNeeds() {
    List<String> missing = needed.stream().filter(a -> !allowed(a)).toList();

    assertThat(missing).as("actions the operator needs that " + POLICY + " does not allow").isEmpty();
  }

  @Test
  void thePolicyNamesNoServiceTheCodeNeverCalls() {
    Set<String> used = new TreeSet<>();
    needed.forEach(a -> used.add(a.substring(0, a.indexOf(':'))));
    Set<String> granted = new TreeSet<>();
    statements().forEach(s -> actionsOf(s).forEach(a -> granted.add(a.substring(0, a.indexOf(':')).toLowerCase(Locale.ROOT))));

    assertThat(granted).as("services " + POLICY + " grants").isSubsetOf(used);
  }

  @Test
  void thePolicyGrantsNoActionTheCodeDoesNotNeed() {
    List<String> excess = statements().stream().flatMap(s -> actionsOf(s).stream())
        .filter(pattern -> needed.stream().noneMatch(a -> matches(pattern, a))).toList();

    assertThat(excess).as("actions " + POLICY + " grants that no call needs").isEmpty();
  }

  /** The one role not a function's: API Gateway's CloudWatch Logs role of the account, which may be passed to API Gateway only. */
  private static final String CLOUDWATCH_ROLE = "arn:aws:iam::*:role/slipway/slipway-apigateway-cloudwatch";

  @Test
  void iamIsLimitedToRolesUnderTheSlipwayPathAndPassRoleToLambda() {
    Set<String> serviceLinked = new TreeSet<>();
    for (JsonNode s : statements()) {
      if (actionsOf(s).stream().noneMatch(a -> a.startsWith("iam:"))) {
        continue;
      }
      assertThat(actionsOf(s)).as(s.path("Sid").asText() + ": IAM apart from other services").allMatch(a -> a.startsWith("iam:"));
      if (actionsOf(s).contains(SERVICE_LINKED_ROLE)) {
        serviceLinked.add(serviceLinkedRoleOfOneService(s));
        continue;
      }
      if (strings(s.get("Resource")).equals(List.of(CLOUDWATCH_ROLE))) {
        cloudWatchRoleStatement(s);
        continue;
      }
      assertThat(strings(s.get("Resource"))).as(s.path("Sid").asText() + " resources").containsExactly("arn:aws:iam::*:role/slipway/*");
      if (actionsOf(s).contains("iam:PassRole")) {
        assertThat(actionsOf(s)).as("PassRole in a statement of its own").containsExactly("iam:PassRole");
        assertThat(s.path("Condition").path("StringEquals").path("iam:PassedToService").asText()).isEqualTo("lambda.amazonaws.com");
      }
    }
    assertThat(serviceLinked).as("services whose service-linked role the policy lets AWS create").isEqualTo(SERVICE_LINKED_ROLES.keySet());
    assertThat(statements()).as("no NotAction or NotResource").allSatisfy(s -> assertThat(s.has("NotAction") || s.has("NotResource")).isFalse());
  }

  /**
   * The role actions that take the condition key iam:PermissionsBoundary (delegated role
   * administration): a role is made, re-bounded, or has a policy written into or taken off it, only
   * while it carries the boundary.
   */
  private static final Set<String> BOUNDED =
      Set.of("iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:DetachRolePolicy");

  @Test
  void theBoundaryStatementsKeepEveryRoleActionButCreateReboundAndChangePoliciesOnlyInsideTheBoundaryAndNeverUnbound() throws Exception {
    JsonNode role = statements().stream().filter(s -> s.path("Sid").asText().equals(ROLE_STATEMENT)).findFirst().orElseThrow();
    List<JsonNode> replacement = new ArrayList<>();
    new ObjectMapper().readTree(Files.readString(BOUNDARY_STATEMENTS)).path("Statement").forEach(replacement::add);
    Set<String> expected = new TreeSet<>(actionsOf(role));
    // With a boundary configured the operator never removes one, and must not be able to.
    expected.remove("iam:DeleteRolePermissionsBoundary");
    // Attaching a managed policy is the one role-policy action the operator never needs: not even inside the boundary.
    assertThat(expected).doesNotContain("iam:AttachRolePolicy");

    Set<String> actions = new TreeSet<>();
    replacement.forEach(s -> actions.addAll(actionsOf(s)));
    assertThat(actions).isEqualTo(expected);
    assertThat(replacement).extracting(s -> s.path("Sid").asText()).contains(ROLE_STATEMENT);
    for (JsonNode s : replacement) {
      String sid = s.path("Sid").asText();
      assertThat(strings(s.get("Resource"))).as(sid + " resources").isEqualTo(strings(role.get("Resource")));
      if (actionsOf(s).stream().anyMatch(BOUNDED::contains)) {
        assertThat(actionsOf(s)).as(sid).containsExactlyInAnyOrderElementsOf(BOUNDED);
        assertThat(s.path("Condition").size()).as(sid + ": one condition operator").isEqualTo(1);
        assertThat(s.path("Condition").path("StringEquals").size()).as(sid + ": one key").isEqualTo(1);
        assertThat(s.path("Condition").path("StringEquals").path("iam:PermissionsBoundary").asText()).as(sid).startsWith("arn:aws:iam::");
      } else {
        assertThat(s.has("Condition")).as(sid + ": no condition").isFalse();
      }
    }
  }

  /** The CloudWatch role is passed to API Gateway only, and given AWS's push-to-CloudWatch policy only. */
  private static void cloudWatchRoleStatement(JsonNode s) {
    String sid = s.path("Sid").asText();
    assertThat(actionsOf(s)).as(sid + " actions").hasSize(1);
    assertThat(s.path("Condition").size()).as(sid + ": one condition operator").isEqualTo(1);
    if (actionsOf(s).contains("iam:PassRole")) {
      assertThat(s.path("Condition").path("StringEquals").path("iam:PassedToService").asText()).as(sid).isEqualTo("apigateway.amazonaws.com");
    } else {
      assertThat(actionsOf(s)).as(sid).containsExactly("iam:AttachRolePolicy");
      assertThat(s.path("Condition").path("ArnEquals").path("iam:PolicyARN").asText()).as(sid)
          .isEqualTo("arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs");
    }
  }

  /** The service of a statement that must create exactly one known service-linked role, for exactly its service, and do nothing else. */
  private static String serviceLinkedRoleOfOneService(JsonNode s) {
    String sid = s.path("Sid").asText();
    assertThat(actionsOf(s)).as(sid + " actions").containsExactly(SERVICE_LINKED_ROLE);
    JsonNode condition = s.path("Condition");
    assertThat(condition.size()).as(sid + ": one condition operator").isEqualTo(1);
    assertThat(condition.path("StringLike").size()).as(sid + ": one StringLike key").isEqualTo(1);
    String service = condition.path("StringLike").path("iam:AWSServiceName").asText();
    assertThat(SERVICE_LINKED_ROLES).as(sid + ": iam:AWSServiceName").containsKey(service);
    assertThat(strings(s.get("Resource"))).as(sid + " resources")
        .containsExactly("arn:aws:iam::*:role/aws-service-role/" + service + "/" + SERVICE_LINKED_ROLES.get(service));
    return service;
  }

  private static boolean allowed(String action) {
    return statements().stream().filter(s -> s.path("Effect").asText().equals("Allow"))
        .anyMatch(s -> actionsOf(s).stream().anyMatch(pattern -> matches(pattern, action)));
  }

  /** IAM action patterns: case-insensitive, {@code *} and {@code ?} wildcards. */
  private static boolean matches(String pattern, String action) {
    String regex = Pattern.quote(pattern).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
    return Pattern.compile(regex, Pattern.CASE_INSENSITIVE).matcher(action).matches();
  }

  private static List<JsonNode> statements() {
    List<JsonNode> list = new ArrayList<>();
    policy.path("Statement").forEach(list::add);
    return list;
  }

  private static List<String> actionsOf(JsonNode statement) {
    return strings(statement.get("Action"));
  }

  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node == null) {
      return out;
    }
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    } else {
      out.add(node.asText());
    }
    return out;
  }
}
