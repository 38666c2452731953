package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.ResourceLoop.Action;
import dev.slipway.aws.ResourceLoop.Outcome;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.aws.PolicyStatement;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Tags;
import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Role;

/** The role kind over the tables its policies name. */
class IamRoleKindTest extends KindContractTest {

  private static final PolicyStatement.Scope MOTO_ACCOUNT = new PolicyStatement.Scope("us-east-1", "123456789012");
  private static final String PROMPT_CRUD = "nexus-prod-prompt-crud";

  private IamClient iam;
  /** The operator's permissions boundary in these tests, a managed policy made in the harness. */
  private String boundary;

  @Override
  protected KindHarness harness() {
    KindHarness harness = new KindHarness(KindHarness.nexus(), new DynamoDbTableKind(), new IamRoleKind());
    iam = harness.raw().iam();
    boundary = managedPolicy("slipway-boundary", "dynamodb:*");
    harness.permissionsBoundary(boundary);
    return harness;
  }

  @Override
  protected List<Edit> edits() {
    return List.of(new Edit("usage-handler", List.of("inlinePolicy"),
        s -> function(s, "usage-handler").tables.add(new FunctionSpec.TableAccess("prompts", FunctionSpec.TableAccess.Access.ReadOnly)),
        List.of("PutRolePolicy"), () -> assertThat(inlinePolicy("nexus-prod-usage-handler")).contains("table/nexus-prod-prompts")));
  }

  /** Policy, trust, foreign policies and tags changed at once, and each put back; then the boundary, removed and replaced. */
  @Override
  protected List<Drift> drifts() {
    return List.of(
        new Drift("usage-handler", List.of("permissionsBoundary"), () -> iam.deleteRolePermissionsBoundary(r -> r.roleName("nexus-prod-usage-handler")),
            List.of("PutRolePermissionsBoundary"), () -> assertThat(boundaryOf("nexus-prod-usage-handler")).isEqualTo(boundary)),
        new Drift("usage-handler", List.of("permissionsBoundary"),
            () -> iam.putRolePermissionsBoundary(r -> r.roleName("nexus-prod-usage-handler").permissionsBoundary(managedPolicy("wider", "*"))),
            List.of("PutRolePermissionsBoundary"), () -> assertThat(boundaryOf("nexus-prod-usage-handler")).isEqualTo(boundary)),
        new Drift("prompt-crud", List.of("assumeRolePolicy", "inlinePolicy", "otherInlinePolicies", "attachedPolicies", "tags"), () -> {
      iam.putRolePolicy(r -> r.roleName(PROMPT_CRUD).policyName(IamRoleKind.POLICY_NAME)
          .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":\"*\"}]}"));
      iam.putRolePolicy(r -> r.roleName(PROMPT_CRUD).policyName("added-by-hand")
          .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"));
      String managed = managedPolicy("broad", "sqs:*");
      iam.attachRolePolicy(r -> r.roleName(PROMPT_CRUD).policyArn(managed));
      iam.updateAssumeRolePolicy(r -> r.roleName(PROMPT_CRUD)
          .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"));
      iam.untagRole(r -> r.roleName(PROMPT_CRUD).tagKeys("team"));
    }, List.of("UpdateAssumeRolePolicy", "PutRolePolicy", "DeleteRolePolicy", "DetachRolePolicy", "TagRole"), () -> {
      assertThat(ExecutionRolePolicy.parse(inlinePolicy(PROMPT_CRUD))).isEqualTo(ExecutionRolePolicy.parse(expectedPolicy("prompt-crud")));
      assertThat(inlinePolicies(PROMPT_CRUD)).containsExactly(IamRoleKind.POLICY_NAME);
      assertThat(iam.listAttachedRolePolicies(r -> r.roleName(PROMPT_CRUD)).attachedPolicies()).isEmpty();
      assertThat(ExecutionRolePolicy.parse(iam.getRole(r -> r.roleName(PROMPT_CRUD)).role().assumeRolePolicyDocument()))
          .isEqualTo(ExecutionRolePolicy.parse(ExecutionRolePolicy.TRUST_POLICY));
    }));
  }

  @Override
  @Test
  void contractEachInvalidInputIsAClearRefusal() {
    // A role is derived from its function's grants, which the kinds granted on validate (see DynamoDbTableKindTest, ExecutionRolePolicyTest).
  }

  @Override
  protected void assertDeclaredShape() {
    assertThat(stack.status(kind())).hasSize(6);

    Role role = iam.getRole(r -> r.roleName("nexus-prod-websocket-message")).role();
    // New roles live under /slipway/, where the operator's own IAM policy can be scoped, inside the boundary.
    assertThat(role.path()).isEqualTo(IamRoleKind.PATH);
    assertThat(role.arn()).isEqualTo("arn:aws:iam::123456789012:role/slipway/nexus-prod-websocket-message");
    assertThat(role.permissionsBoundary().permissionsBoundaryArn()).isEqualTo(boundary);
    assertThat(ExecutionRolePolicy.parse(role.assumeRolePolicyDocument())).isEqualTo(ExecutionRolePolicy.parse(ExecutionRolePolicy.TRUST_POLICY));
    assertThat(role.tags().stream().collect(Collectors.toMap(t -> t.key(), t -> t.value())))
        .containsEntry("team", "chat")
        .containsEntry(Tags.MANAGED_BY, "slipway")
        .containsEntry(Tags.SERVICE, "chat.nexus");
    assertThat(inlinePolicies("nexus-prod-websocket-message")).containsExactly(IamRoleKind.POLICY_NAME);
    assertThat(ExecutionRolePolicy.parse(inlinePolicy("nexus-prod-websocket-message"))).isEqualTo(ExecutionRolePolicy.parse(expectedPolicy("websocket-message")));
    // The role's policy names the very ARN the table stage created.
    assertThat(inlinePolicy("nexus-prod-usage-handler")).contains(stack.context().output(Outputs.tableArn("usage")));
    assertThat(stack.context().outputs())
        .containsEntry(Outputs.roleArn("websocket-message"), role.arn());
    assertThat(stack.context().aws().accountId()).isEqualTo("123456789012");
  }

  /**
   * Between checks of the spec's defaults a resync reads the role and Slipway's policy, not the list
   * of others: a policy attached by hand stays until the next check, which detaches it; a change of
   * Slipway's own policy is found by either.
   */
  @Test
  void aResyncTrustingDefaultsFindsTheInlinePolicysDriftAndLeavesAnAttachedPolicyToTheNextCheck() {
    stack.settle();
    String managed = managedPolicy("attached-by-hand", "sqs:*");
    iam.attachRolePolicy(r -> r.roleName(PROMPT_CRUD).policyArn(managed));
    iam.putRolePolicy(r -> r.roleName(PROMPT_CRUD).policyName(IamRoleKind.POLICY_NAME)
        .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":\"*\"}]}"));

    stack.resyncTrustingDefaults();

    assertThat(stack.calls()).doesNotContain("ListRolePolicies", "ListAttachedRolePolicies");
    assertThat(stack.mutatingCalls()).containsExactly("PutRolePolicy");
    assertThat(iam.listAttachedRolePolicies(r -> r.roleName(PROMPT_CRUD)).attachedPolicies()).extracting(p -> p.policyArn()).containsExactly(managed);

    stack.converge();

    assertThat(stack.mutatingCalls()).containsExactly("DetachRolePolicy");
    assertThat(iam.listAttachedRolePolicies(r -> r.roleName(PROMPT_CRUD)).attachedPolicies()).isEmpty();
  }

  @Test
  void theAccountIsAskedOfStsOnceAndNeverAgain() {
    stack.settle();

    stack.converge();

    assertThat(stack.calls()).doesNotContain("GetCallerIdentity");
  }

  @Test
  void anExistingRoleWithTheExpectedNameIsAdoptedWhenTheServiceSaysSo() {
    stack.adopt("true");
    iam.createRole(r -> r.roleName("nexus-prod-usage-handler").assumeRolePolicyDocument(ExecutionRolePolicy.TRUST_POLICY));

    Result result = stack.converge();

    assertThat(result.outcomes()).filteredOn(o -> o.resource().name.equals("usage-handler")).extracting(Outcome::action).containsExactly(Action.Adopted);
    assertThat(stack.mutatingCalls().stream().filter("CreateRole"::equals)).hasSize(5);
    assertThat(inlinePolicy("nexus-prod-usage-handler")).contains("table/nexus-prod-usage");
    // IAM cannot move a role: the adopted one keeps its path, and gets the boundary.
    Role adopted = iam.getRole(r -> r.roleName("nexus-prod-usage-handler")).role();
    assertThat(adopted.path()).isEqualTo("/");
    assertThat(adopted.permissionsBoundary().permissionsBoundaryArn()).isEqualTo(boundary);
  }

  @Test
  void withoutAConfiguredBoundaryRolesCarryNoneAndOneFoundIsRemoved() {
    stack.settle();
    stack.permissionsBoundary(null);

    stack.settle();

    assertThat(stack.mutatingCalls()).hasSize(6).containsOnly("DeleteRolePermissionsBoundary");
    assertThat(boundaryOf("nexus-prod-usage-handler")).isNull();
    assertSecondPassMutatesNothing();
  }

  @Test
  void aRoleWithoutTheBoundaryGetsItBeforeItsPolicyIsWritten() {
    stack.settle();
    // A role whose boundary went and whose policy changed: the scoped operator policy allows PutRolePolicy only on a bounded role.
    iam.deleteRolePermissionsBoundary(r -> r.roleName(PROMPT_CRUD));
    iam.putRolePolicy(r -> r.roleName(PROMPT_CRUD).policyName(IamRoleKind.POLICY_NAME)
        .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"));

    stack.converge();

    assertThat(stack.mutatingCalls()).containsExactly("PutRolePermissionsBoundary", "PutRolePolicy");
    assertThat(boundaryOf(PROMPT_CRUD)).isEqualTo(boundary);
    assertThat(ExecutionRolePolicy.parse(inlinePolicy(PROMPT_CRUD))).isEqualTo(ExecutionRolePolicy.parse(expectedPolicy("prompt-crud")));
  }

  private String boundaryOf(String role) {
    Role r = iam.getRole(g -> g.roleName(role)).role();
    return r.permissionsBoundary() == null ? null : r.permissionsBoundary().permissionsBoundaryArn();
  }

  private String managedPolicy(String name, String action) {
    return iam.createPolicy(r -> r.policyName(name)
        .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"" + action + "\",\"Resource\":\"*\"}]}")).policy().arn();
  }

  private String expectedPolicy(String function) {
    ServerlessServiceSpec spec = KindHarness.nexus();
    StackContext ctx = new StackContext(null, KindHarness.NAMESPACE, KindHarness.SERVICE, spec, List.of(), List.of());
    return ExecutionRolePolicy.document(ctx, MOTO_ACCOUNT, function(spec, function));
  }

  private static FunctionSpec function(ServerlessServiceSpec spec, String name) {
    return KindHarness.function(spec, name);
  }

  /** The inline policy as IAM stores it, decoded (IAM returns documents URL-encoded). */
  private String inlinePolicy(String role) {
    String encoded = iam.getRolePolicy(r -> r.roleName(role).policyName(IamRoleKind.POLICY_NAME)).policyDocument();
    return java.net.URLDecoder.decode(encoded, java.nio.charset.StandardCharsets.UTF_8);
  }

  private List<String> inlinePolicies(String role) {
    return iam.listRolePolicies(r -> r.roleName(role)).policyNames();
  }

  @Override
  protected Predicate<AwsFaults.Request> createCall() {
    return AwsFaults.operation("CreateRole");
  }
}
