package dev.slipway.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.v1alpha1.SlipwayTenancy;
import dev.slipway.api.v1alpha1.SlipwayTenancySpec;
import dev.slipway.aws.AwsTarget;
import dev.slipway.net.OutboundPolicy;
import dev.slipway.tenancy.TenancyRules.Permitted;
import dev.slipway.tenancy.TenancyRules.Refused;
import dev.slipway.tenancy.TenancyRules.Request;
import dev.slipway.tenancy.TenancyRules.Verdict;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Who may assume what: the decisions of {@link TenancyRules}, from tenancies and namespace labels alone. */
class TenancyRulesTest {

  private static final String TEAM_A_ROLE = "arn:aws:iam::111111111111:role/team-a-deployer";

  @Test
  void withoutATenancyOnlyTheOperatorsOwnIdentityAndNoFunctionNameRelease() {
    assertThat(permitted(List.of(), sls("team-a", "us-east-1", null)).role()).isEmpty();

    assertThat(refused(List.of(), sls("team-a", "us-east-1", TEAM_A_ROLE)))
        .contains("may not assume " + TEAM_A_ROLE).contains("no SlipwayTenancy selects namespace team-a");
    assertThat(refused(List.of(), release("team-a", "us-east-1", null, "payments-api")))
        .contains("may not release to function payments-api");
  }

  @Test
  void aRoleIsAssumedOnlyWhenATenancyOfTheNamespaceAllowsItsArnAccountAndRegion() {
    var teamA = tenancy("team-a", s -> {
      s.namespaces = List.of("team-a", "team-a-*");
      s.roleArns = List.of("arn:aws:iam::111111111111:role/team-a-*");
      s.accounts = List.of("111111111111");
      s.regions = List.of("us-east-1", "eu-west-1");
      s.externalId = "ext-4711";
    });

    AwsTarget target = permitted(List.of(teamA), sls("team-a-dev", "eu-west-1", TEAM_A_ROLE));
    assertThat(target.region()).isEqualTo("eu-west-1");
    assertThat(target.role()).get().satisfies(r -> {
      assertThat(r.roleArn()).isEqualTo(TEAM_A_ROLE);
      assertThat(r.externalId()).contains("ext-4711");
      assertThat(r.sessionName()).isEqualTo("sls.team-a-dev.nexus");
      assertThat(r.sessionTags()).containsExactlyInAnyOrderEntriesOf(Map.of(
          "slipway.dev/namespace", "team-a-dev", "slipway.dev/kind", "ServerlessService", "slipway.dev/name", "nexus"));
      assertThat(r.toString()).doesNotContain("ext-4711");
    });

    // Another team's namespace, another team's role, a region or an account outside the grant.
    assertThat(refused(List.of(teamA), sls("team-b", "us-east-1", TEAM_A_ROLE))).contains("no SlipwayTenancy selects namespace team-b");
    assertThat(refused(List.of(teamA), sls("team-a", "us-east-1", "arn:aws:iam::111111111111:role/team-b-deployer")))
        .contains("SlipwayTenancy team-a: roleArn arn:aws:iam::111111111111:role/team-b-deployer matches none of [arn:aws:iam::111111111111:role/team-a-*]");
    assertThat(refused(List.of(teamA), sls("team-a", "ap-south-1", TEAM_A_ROLE))).contains("region ap-south-1 is not one of [us-east-1, eu-west-1]");
    var anyAccount = tenancy("team-a", s -> {
      s.namespaces = List.of("team-a");
      s.roleArns = List.of("arn:aws:iam::*:role/team-a-*");
      s.accounts = List.of("111111111111");
    });
    assertThat(refused(List.of(anyAccount), sls("team-a", "us-east-1", "arn:aws:iam::222222222222:role/team-a-deployer")))
        .contains("account 222222222222");
    assertThat(permitted(List.of(anyAccount), sls("team-a", "us-east-1", TEAM_A_ROLE)).role()).isPresent();
  }

  @Test
  void namespacesAreSelectedByLabelsAndSeveralTenanciesAddUp() {
    var byLabel = tenancy("platform", s -> {
      s.namespaceSelector = new SlipwayTenancySpec.NamespaceSelector();
      s.namespaceSelector.matchLabels = Map.of("team", "a", "tier", "prod");
      s.roleArns = List.of(TEAM_A_ROLE);
    });
    var functions = tenancy("releases", s -> {
      s.namespaces = List.of("team-a");
      s.functionNames = List.of("team-a-*");
    });
    Map<String, String> labels = Map.of("team", "a", "tier", "prod", "other", "x");

    assertThat(TenancyRules.decide(List.of(byLabel), labels, sls("anything", "us-east-1", TEAM_A_ROLE))).isInstanceOf(Permitted.class);
    assertThat(TenancyRules.decide(List.of(byLabel), Map.of("team", "a"), sls("anything", "us-east-1", TEAM_A_ROLE))).isInstanceOf(Refused.class);
    // An empty selector selects nothing (a typo must not grant every namespace).
    var empty = tenancy("empty", s -> s.namespaceSelector = new SlipwayTenancySpec.NamespaceSelector());
    assertThat(TenancyRules.selecting(List.of(empty), "team-a", labels)).isEmpty();

    // The role from one tenancy, the function release from the other; each grant stands on its own.
    assertThat(TenancyRules.decide(List.of(byLabel, functions), labels, release("team-a", "us-east-1", null, "team-a-api"))).isInstanceOf(Permitted.class);
    assertThat(TenancyRules.decide(List.of(byLabel, functions), labels, release("team-a", "us-east-1", TEAM_A_ROLE, "team-a-api")))
        .as("no single tenancy allows both this role and this function").isInstanceOf(Refused.class);
  }

  @Test
  void functionNameReleasesAreRestrictedToTheAllowedFunctionsByNameOrArn() {
    var t = tenancy("team-a", s -> {
      s.namespaces = List.of("team-a");
      s.functionNames = List.of("team-a-*", "shared-?");
      s.accounts = List.of("111111111111");
    });
    for (String allowed : List.of("team-a-api", "shared-1", "arn:aws:lambda:us-east-1:111111111111:function:team-a-api",
        "arn:aws:lambda:us-east-1:111111111111:function:team-a-api:live", "111111111111:function:team-a-api")) {
      assertThat(TenancyRules.decide(List.of(t), Map.of(), release("team-a", "us-east-1", null, allowed))).as(allowed).isInstanceOf(Permitted.class);
    }
    assertThat(refused(List.of(t), release("team-a", "us-east-1", null, "payments-api"))).contains("function payments-api matches none of [team-a-*, shared-?]");
    assertThat(refused(List.of(t), release("team-a", "us-east-1", null, "shared-10"))).contains("matches none");
    assertThat(refused(List.of(t), release("team-a", "us-east-1", null, "arn:aws:lambda:us-east-1:222222222222:function:team-a-api"))).contains("account 222222222222");
    assertThat(refused(List.of(t), release("team-a", "us-east-1", null, "arn:aws:lambda:eu-west-1:111111111111:function:team-a-api"))).contains("is in eu-west-1");
    // A tenancy that grants roles but no functions allows no functionName release.
    var rolesOnly = tenancy("roles", s -> {
      s.namespaces = List.of("team-a");
      s.roleArns = List.of(TEAM_A_ROLE);
    });
    assertThat(refused(List.of(rolesOnly), release("team-a", "us-east-1", TEAM_A_ROLE, "team-a-api"))).contains("no functionName release allowed");
  }

  @Test
  void aTenancyMayMakeARoleMandatory() {
    var t = tenancy("team-a", s -> {
      s.namespaces = List.of("team-a");
      s.roleArns = List.of(TEAM_A_ROLE);
      s.allowOperatorIdentity = false;
    });
    assertThat(refused(List.of(t), sls("team-a", "us-east-1", null))).contains("the operator's own identity is not allowed");
    assertThat(permitted(List.of(t), sls("team-a", "us-east-1", TEAM_A_ROLE)).roleArn()).contains(TEAM_A_ROLE);
  }

  @Test
  void theInternalTargetsOfEveryTenancyOfTheNamespaceAddUpAndThereAreNoneByDefault() throws Exception {
    var a = tenancy("a", s -> {
      s.namespaces = List.of("team-a");
      s.internalTargets = List.of("10.1.0.0/16");
    });
    var b = tenancy("b", s -> {
      s.namespaces = List.of("team-a");
      s.internalTargets = List.of("127.0.0.0/8");
    });
    var teamA = ((Permitted) TenancyRules.decide(List.of(a, b), Map.of(), sls("team-a", "us-east-1", null))).outbound();
    teamA.check(URI.create("http://10.1.2.3/"), "from a");
    teamA.check(URI.create("http://127.0.0.1/"), "from b");
    var teamB = ((Permitted) TenancyRules.decide(List.of(a, b), Map.of(), sls("team-b", "us-east-1", null))).outbound();
    assertThatThrownBy(() -> teamB.check(URI.create("http://127.0.0.1/"), "not team-b's")).isInstanceOf(OutboundPolicy.RefusedTarget.class);
  }

  @Test
  void theQueueGrantsOfEveryTenancyOfTheNamespaceAddUpAndThereAreNoneByDefault() {
    var a = tenancy("a", s -> {
      s.namespaces = List.of("team-a");
      s.queueArns = List.of("arn:aws:sqs:*:111111111111:team-a-*");
    });
    var b = tenancy("b", s -> {
      s.namespaces = List.of("team-a*");
      s.queueArns = List.of("arn:aws:sqs:us-east-1:222222222222:shared-events", "arn:aws:sqs:*:111111111111:team-a-*");
    });

    assertThat(bounds(List.of(), "team-a").queueArns()).isEmpty();
    assertThat(bounds(List.of(a, b), "team-a").queueArns())
        .containsExactly("arn:aws:sqs:*:111111111111:team-a-*", "arn:aws:sqs:us-east-1:222222222222:shared-events");
    assertThat(bounds(List.of(a, b), "team-a-dev").queueArns()).as("selected by b alone")
        .containsExactly("arn:aws:sqs:us-east-1:222222222222:shared-events", "arn:aws:sqs:*:111111111111:team-a-*");
    assertThat(bounds(List.of(a, b), "team-b").queueArns()).isEmpty();
  }

  @Test
  void sessionNamesStayWithinStsLimitsAndUnique() {
    String ns = "n".repeat(63);
    String a = SessionNames.of("LambdaRelease", ns, "release-" + "x".repeat(200) + "-a");
    String b = SessionNames.of("LambdaRelease", ns, "release-" + "x".repeat(200) + "-b");
    assertThat(a).hasSizeLessThanOrEqualTo(64).matches("[\\w+=,.@-]+").startsWith("lr." + ns.substring(0, 10));
    assertThat(b).hasSizeLessThanOrEqualTo(64).isNotEqualTo(a);
    assertThat(SessionNames.of("ServerlessService", "chat", "nexus")).isEqualTo("sls.chat.nexus");
  }

  @Test
  void globsMatchWholeValues() {
    assertThat(Glob.matches("team-a-*", "team-a-")).isTrue();
    assertThat(Glob.matches("team-a-*", "team-a")).isFalse();
    assertThat(Glob.matches("*-prod-*", "nexus-prod-api")).isTrue();
    assertThat(Glob.matches("a?c", "abc")).isTrue();
    assertThat(Glob.matches("a?c", "abbc")).isFalse();
    assertThat(Glob.matches("arn:aws:iam::1:role/x", "arn:aws:iam::1:role/x2")).isFalse();
    // A value that is itself a glob: covered only when all it stands for matches.
    assertThat(Glob.covers("a*", "a*b")).isTrue();
    assertThat(Glob.covers("*b", "*ab")).as("the pattern's * spans the value's").isTrue();
    assertThat(Glob.covers("a?c", "a*c")).as("one character cannot cover any number").isFalse();
    assertThat(Glob.covers("a?c", "a?c")).isTrue();
    assertThat(Glob.covers("a-*", "a*")).isFalse();
    assertThat(Glob.matches("*", "")).isTrue();
  }

  // ---------------------------------------------------------------------------------------------

  private static Request sls(String ns, String region, String roleArn) {
    return new Request("ServerlessService", ns, "nexus", region, roleArn, null);
  }

  private static Request release(String ns, String region, String roleArn, String functionName) {
    return new Request("LambdaRelease", ns, "ship-1", region, roleArn, functionName);
  }

  private static SlipwayTenancy tenancy(String name, Consumer<SlipwayTenancySpec> spec) {
    SlipwayTenancy t = new SlipwayTenancy();
    t.setMetadata(new ObjectMetaBuilder().withName(name).build());
    t.setSpec(new SlipwayTenancySpec());
    spec.accept(t.getSpec());
    return t;
  }

  private static AwsTarget permitted(List<SlipwayTenancy> tenancies, Request r) {
    Verdict v = TenancyRules.decide(tenancies, Map.of(), r);
    assertThat(v).as("verdict for %s", r).isInstanceOf(Permitted.class);
    return ((Permitted) v).target();
  }

  private static PolicyBounds bounds(List<SlipwayTenancy> tenancies, String namespace) {
    Verdict v = TenancyRules.decide(tenancies, Map.of(), sls(namespace, "us-east-1", null));
    assertThat(v).as("verdict for %s", namespace).isInstanceOf(Permitted.class);
    return ((Permitted) v).bounds();
  }

  private static String refused(List<SlipwayTenancy> tenancies, Request r) {
    Verdict v = TenancyRules.decide(tenancies, Map.of(), r);
    assertThat(v).as("verdict for %s", r).isInstanceOf(Refused.class);
    return ((Refused) v).message();
  }
}
