package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.ResourceLoop.Action;
import dev.slipway.aws.ResourceLoop.Outcome;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.aws.PolicyStatement;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Tags;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Role;

class IamRoleKindTest {

  private static final PolicyStatement.Scope MOTO_ACCOUNT = new PolicyStatement.Scope("us-east-1", "123456789012");

  private final MotoStack stack = new MotoStack();
  private final DynamoDbTableKind tables = new DynamoDbTableKind();
  private final IamRoleKind roles = new IamRoleKind();
  private final java.util.Set<String> stages = java.util.Set.of(DynamoDbTableKind.KIND, IamRoleKind.KIND);
  private final IamClient iam = stack.aws().iam();

  @AfterEach
  void close() {
    stack.close();
  }

  @Test
  void createsOneRolePerFunctionWithTrustPolicyInlinePolicyAndTags() {
    Result result = stack.converge(MotoStack.nexus(), stages);

    assertThat(result.firstFailure()).isEmpty();
    assertThat(result.outcomes()).filteredOn(o -> o.resource().kind.equals(IamRoleKind.KIND)).hasSize(6).extracting(Outcome::action).containsOnly(Action.Created);

    Role role = iam.getRole(r -> r.roleName("nexus-prod-websocket-message")).role();
    assertThat(ExecutionRolePolicy.parse(role.assumeRolePolicyDocument())).isEqualTo(ExecutionRolePolicy.parse(ExecutionRolePolicy.TRUST_POLICY));
    assertThat(role.tags().stream().collect(Collectors.toMap(t -> t.key(), t -> t.value())))
        .containsEntry("team", "chat")
        .containsEntry(Tags.MANAGED_BY, "slipway")
        .containsEntry(Tags.SERVICE, "chat.nexus");
    assertThat(inlinePolicies("nexus-prod-websocket-message")).containsExactly(IamRoleKind.POLICY_NAME);
    assertThat(ExecutionRolePolicy.parse(inlinePolicy("nexus-prod-websocket-message"))).isEqualTo(ExecutionRolePolicy.parse(expectedPolicy("websocket-message")));
    // The role's policy names the very ARN the table stage created.
    assertThat(inlinePolicy("nexus-prod-usage-handler")).contains(stack.lastContext().output(Outputs.tableArn("usage")));
    assertThat(stack.lastContext().outputs())
        .containsEntry(Outputs.roleArn("websocket-message"), role.arn());
    assertThat(stack.lastContext().aws().accountId()).isEqualTo("123456789012");
  }

  @Test
  void aSecondConvergeOfAnUnchangedSpecMakesNoMutatingCall() {
    stack.converge(MotoStack.nexus(), stages);

    Result again = stack.converge(MotoStack.nexus(), stages);

    assertThat(stack.mutatingOperations()).isEmpty();
    assertThat(again.outcomes()).extracting(Outcome::action).containsOnly(Action.Unchanged);
    // The account was asked of STS at the first converge, once per target, and never again.
    assertThat(stack.operations()).doesNotContain("GetCallerIdentity");
  }

  @Test
  void aFunctionGainingATableChangesOnlyItsOwnPolicy() {
    stack.converge(MotoStack.nexus(), stages);
    ServerlessServiceSpec spec = MotoStack.nexus();
    function(spec, "usage-handler").tables.add(new FunctionSpec.TableAccess("prompts", FunctionSpec.TableAccess.Access.ReadOnly));

    stack.converge(spec, stages);

    assertThat(stack.mutatingOperations()).containsExactly("PutRolePolicy");
    assertThat(inlinePolicy("nexus-prod-usage-handler")).contains("table/nexus-prod-prompts");
  }

  @Test
  void policyTrustAndTagDriftIsRepairedAndForeignPoliciesAreRemoved() {
    stack.converge(MotoStack.nexus(), stages);
    String role = "nexus-prod-prompt-crud";
    iam.putRolePolicy(r -> r.roleName(role).policyName(IamRoleKind.POLICY_NAME)
        .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":\"*\"}]}"));
    iam.putRolePolicy(r -> r.roleName(role).policyName("added-by-hand")
        .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"));
    String managed = iam.createPolicy(r -> r.policyName("broad")
        .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sqs:*\",\"Resource\":\"*\"}]}")).policy().arn();
    iam.attachRolePolicy(r -> r.roleName(role).policyArn(managed));
    iam.updateAssumeRolePolicy(r -> r.roleName(role)
        .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"));
    iam.untagRole(r -> r.roleName(role).tagKeys("team"));

    Result result = stack.converge(MotoStack.nexus(), stages);

    assertThat(stack.mutatingOperations())
        .containsExactlyInAnyOrder("UpdateAssumeRolePolicy", "PutRolePolicy", "DeleteRolePolicy", "DetachRolePolicy", "TagRole");
    assertThat(result.outcomes()).filteredOn(o -> o.action() == Action.Updated).extracting(o -> o.resource().name).containsExactly("prompt-crud");
    assertThat(ExecutionRolePolicy.parse(inlinePolicy(role))).isEqualTo(ExecutionRolePolicy.parse(expectedPolicy("prompt-crud")));
    assertThat(inlinePolicies(role)).containsExactly(IamRoleKind.POLICY_NAME);
    assertThat(iam.listAttachedRolePolicies(r -> r.roleName(role)).attachedPolicies()).isEmpty();
    assertThat(ExecutionRolePolicy.parse(iam.getRole(r -> r.roleName(role)).role().assumeRolePolicyDocument()))
        .isEqualTo(ExecutionRolePolicy.parse(ExecutionRolePolicy.TRUST_POLICY));
    stack.converge(MotoStack.nexus(), stages);
    assertThat(stack.mutatingOperations()).isEmpty();
  }

  @Test
  void anExistingRoleWithTheExpectedNameIsAdopted() {
    iam.createRole(r -> r.roleName("nexus-prod-usage-handler").assumeRolePolicyDocument(ExecutionRolePolicy.TRUST_POLICY));

    Result result = stack.converge(MotoStack.nexus(), stages);

    assertThat(result.outcomes()).filteredOn(o -> o.resource().name.equals("usage-handler")).extracting(Outcome::action).containsExactly(Action.Adopted);
    assertThat(stack.mutatingOperations().stream().filter("CreateRole"::equals)).hasSize(5);
    assertThat(inlinePolicy("nexus-prod-usage-handler")).contains("table/nexus-prod-usage");
  }

  @Test
  void deleteRemovesPoliciesThenRolesAndTreatsNotFoundAsDone() {
    stack.converge(MotoStack.nexus(), stages);
    Map<String, AwsResourceKind<?, ?>> kinds = Map.of(IamRoleKind.KIND, roles, DynamoDbTableKind.KIND, tables);
    iam.deleteRolePolicy(r -> r.roleName("nexus-prod-prompt-crud").policyName(IamRoleKind.POLICY_NAME));
    iam.deleteRole(r -> r.roleName("nexus-prod-prompt-crud")); // gone behind our back

    assertThat(stack.deleteAll(kinds)).isEmpty();
    assertThat(iam.listRoles().roles()).isEmpty();
    assertThat(stack.mutatingOperations().stream().filter("DeleteRole"::equals)).hasSize(5);

    assertThat(stack.deleteAll(kinds)).isEmpty();
  }

  private String expectedPolicy(String function) {
    ServerlessServiceSpec spec = MotoStack.nexus();
    StackContext ctx = new StackContext(null, MotoStack.NAMESPACE, MotoStack.SERVICE, spec, List.of(), List.of());
    return ExecutionRolePolicy.document(ctx, MOTO_ACCOUNT, function(spec, function));
  }

  private static FunctionSpec function(ServerlessServiceSpec spec, String name) {
    return spec.functions.stream().filter(f -> f.name.equals(name)).findFirst().orElseThrow();
  }

  /** The inline policy as IAM stores it, decoded (IAM returns documents URL-encoded). */
  private String inlinePolicy(String role) {
    String encoded = iam.getRolePolicy(r -> r.roleName(role).policyName(IamRoleKind.POLICY_NAME)).policyDocument();
    return java.net.URLDecoder.decode(encoded, java.nio.charset.StandardCharsets.UTF_8);
  }

  private List<String> inlinePolicies(String role) {
    return iam.listRolePolicies(r -> r.roleName(role)).policyNames();
  }
}
