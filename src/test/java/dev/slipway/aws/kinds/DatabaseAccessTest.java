package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.aws.ResourceLoop.Result;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * A network-placed function that declares {@code databases: [orders]}: the path to the database is the
 * functions group, admitted by the database's group on its port and by nothing else; the role may read
 * exactly that database's secret; the endpoint and secret ARN reach the environment; the password
 * appears nowhere Slipway writes.
 */
class DatabaseAccessTest {

  private KindHarness stack;

  @BeforeEach
  void up() {
    stack = new KindHarness(DatabaseFixture.spec(), new VpcKind(), new SubnetKind(), new SecurityGroupKind(), new DbSubnetGroupKind(), new DbClusterKind(),
        new DbInstanceKind(), new IamRoleKind(), new LogGroupKind(), new LambdaFunctionKind());
    FunctionSpec f = stack.addFunction("orders-api", stack.upload("orders-api-1.0.zip", "ok"));
    f.vpc = new FunctionSpec.VpcConfig();
    f.vpc.network = true;
    FunctionSpec.DatabaseAccess orders = new FunctionSpec.DatabaseAccess();
    orders.name = "orders";
    f.databases.add(orders);
    f.environmentFrom.put("DB_HOST", variable("orders", FunctionSpec.DatabaseOutput.Value.endpoint));
    f.environmentFrom.put("DB_SECRET_ARN", variable("orders", FunctionSpec.DatabaseOutput.Value.secretArn));
  }

  @AfterEach
  void down() {
    stack.close();
  }

  @Test
  void theDatabaseGroupAdmitsTheFunctionsGroupOnItsPortAndNothingElse() {
    assertThat(stack.settle().firstFailure()).isEmpty();

    String functions = output("network.securityGroup.functions.id");
    for (Map.Entry<String, Integer> db : Map.of("orders", 5432, "willbook", 5432).entrySet()) {
      SecurityGroup g = group(output("network.securityGroup.database-" + db.getKey() + ".id"));
      assertThat(g.groupName()).isEqualTo("nexus-prod-database-" + db.getKey());
      assertThat(ingress(g)).as(db.getKey()).containsExactly("tcp " + db.getValue() + " from " + functions);
    }
    assertThat(ingress(group(functions))).as("the functions group admits nothing").isEmpty();
    assertThat(stack.raw().lambda().getFunctionConfiguration(r -> r.functionName(stack.physicalName("orders-api"))).vpcConfig().securityGroupIds())
        .containsExactly(functions);
    assertThat(stack.status()).extracting(r -> r.key())
        .containsSubsequence("SecurityGroup/functions", "SecurityGroup/database-orders", "DBCluster/orders", "IAMRole/orders-api", "LambdaFunction/orders-api");
  }

  @Test
  void theRoleReadsExactlyTheSecretOfTheDatabaseTheFunctionNames() throws Exception {
    stack.settle();

    JsonNode policy = new ObjectMapper().readTree(java.net.URLDecoder.decode(stack.raw().iam()
        .getRolePolicy(r -> r.roleName(stack.physicalName("orders-api")).policyName(IamRoleKind.POLICY_NAME)).policyDocument(), "UTF-8"));
    JsonNode secrets = Stream.of(policy.path("Statement")).flatMap(s -> java.util.stream.StreamSupport.stream(s.spliterator(), false))
        .filter(s -> s.path("Sid").asText().equals("DatabaseSecrets")).findFirst().orElseThrow();
    assertThat(secrets.path("Action")).extracting(JsonNode::asText).containsExactly("secretsmanager:GetSecretValue");
    assertThat(secrets.path("Resource")).extracting(JsonNode::asText).containsExactly(output("databases.orders.secretArn"));
    assertThat(policy.toString()).doesNotContain(output("databases.willbook.secretArn"));
  }

  @Test
  void theEndpointAndTheSecretArnReachTheEnvironment() {
    stack.settle();

    Map<String, String> env = stack.raw().lambda().getFunctionConfiguration(r -> r.functionName(stack.physicalName("orders-api"))).environment().variables();
    assertThat(env).containsEntry("DB_HOST", output("databases.orders.endpoint")).containsEntry("DB_SECRET_ARN", output("databases.orders.secretArn"));
  }

  @Test
  void thePasswordAppearsInNoStatusEventOutputOrCall() throws Exception {
    stack.settle();
    List<String> seen = new java.util.ArrayList<>();
    stack.status().forEach(r -> seen.add(r.key() + " " + r.id + " " + r.message));
    seen.addAll(stack.events);
    stack.context().outputs().forEach((k, v) -> seen.add(k + "=" + v));
    stack.recorder.calls().forEach(c -> seen.add(c.toString()));
    seen.add(stack.raw().lambda().getFunctionConfiguration(r -> r.functionName(stack.physicalName("orders-api"))).environment().variables().toString());

    SecretsManagerClient secrets = stack.raw().client(SecretsManagerClient.class, SecretsManagerClient::builder);
    for (String db : List.of("orders", "willbook")) {
      String value = secrets.getSecretValue(r -> r.secretId(output("databases." + db + ".secretArn"))).secretString();
      String password = new ObjectMapper().readTree(value).path("password").asText();
      assertThat(password).as("the password AWS keeps for " + db).isNotBlank();
      assertThat(seen).as("what Slipway wrote").isNotEmpty().allSatisfy(s -> assertThat(s).doesNotContain(password));
    }
  }

  private static FunctionSpec.EnvironmentSource variable(String database, FunctionSpec.DatabaseOutput.Value value) {
    FunctionSpec.EnvironmentSource source = new FunctionSpec.EnvironmentSource();
    source.database = new FunctionSpec.DatabaseOutput();
    source.database.name = database;
    source.database.value = value;
    return source;
  }

  private SecurityGroup group(String id) {
    return Ec2Resources.ec2(stack.raw()).describeSecurityGroups(r -> r.groupIds(id)).securityGroups().get(0);
  }

  private static List<String> ingress(SecurityGroup g) {
    return g.ipPermissions().stream().flatMap((IpPermission p) -> Stream.concat(
        p.userIdGroupPairs().stream().map(x -> p.ipProtocol() + " " + p.fromPort() + " from " + x.groupId()),
        p.ipRanges().stream().map(x -> p.ipProtocol() + " " + p.fromPort() + " from " + x.cidrIp()))).toList();
  }

  private String output(String key) {
    return stack.context().outputs().get(key);
  }
}
