package dev.slipway.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.api.v1alpha1.EventSourceSpec;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.api.v1alpha1.SlipwayTenancy;
import dev.slipway.api.v1alpha1.SlipwayTenancySpec;
import dev.slipway.api.v1alpha1.TopicSpec;
import dev.slipway.tenancy.TenancyRules.Permitted;
import dev.slipway.tenancy.TenancyRules.Request;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a namespace's CanaryPolicies may read and publish to, and which queues and topics its services may name: {@link PolicyBounds},
 * and how tenancies add them up.
 */
class PolicyBoundsTest {

  private static final String FUNCTION = "shop-prod-api";
  private static final Set<String> OWN_ALARMS = Set.of("shop-prod-api-errors");

  @Test
  void withoutATenancyAPolicyMayReadOnlyItsOwnFunctionsMetricsAndItsServicesAlarms() {
    CanaryPolicySpec own = policy();
    own.analysis.metrics.add(cloudWatch("failures", "Shop/Checkout", Map.of("FunctionName", "{function}", "Version", "{version}")));
    own.analysis.metrics.add(cloudWatch("by-name", "AWS/Lambda", Map.of("FunctionName", FUNCTION)));
    own.analysis.metrics.add(alarms("own", "shop-prod-api-errors"));

    assertThat(PolicyBounds.NONE.refusal(own, FUNCTION, OWN_ALARMS)).isEmpty();
    assertThat(PolicyBounds.NONE.refusal(null, FUNCTION, OWN_ALARMS)).as("no policy").isEmpty();
  }

  @Test
  void anotherFunctionsMetricsAnotherAlarmOrAnyTopicIsRefusedByDefaultAndEachIsNamed() {
    CanaryPolicySpec nosy = policy();
    nosy.analysis.metrics.add(cloudWatch("theirs", "AWS/Lambda", Map.of("FunctionName", "billing-prod-api")));
    nosy.analysis.metrics.add(cloudWatch("no-dimension", "Shop/Checkout", Map.of()));
    nosy.analysis.metrics.add(alarms("their-alarm", "billing-prod-api-errors"));
    nosy.notifications = new CanaryPolicySpec.Notifications();
    nosy.notifications.snsTopicArn = "arn:aws:sns:us-east-1:123456789012:billing-deploys";

    Optional<String> refusal = PolicyBounds.NONE.refusal(nosy, FUNCTION, OWN_ALARMS);

    assertThat(refusal).get().asString()
        .contains("check theirs reads CloudWatch namespace AWS/Lambda")
        .contains("check no-dimension reads CloudWatch namespace Shop/Checkout")
        .contains("check their-alarm reads alarm billing-prod-api-errors")
        .contains("notifications publish to arn:aws:sns:us-east-1:123456789012:billing-deploys");
  }

  @Test
  void theBoundsOfEveryTenancyOfTheNamespaceAddUpAndMatchByGlob() {
    var metrics = tenancy("a-metrics", s -> s.metricNamespaces = List.of("Shop/*"));
    var alarmsAndTopics = tenancy("b-alarms", s -> {
      s.alarmNames = List.of("platform-*");
      s.topicArns = List.of("arn:aws:sns:*:123456789012:shop-*");
    });
    Request request = new Request("LambdaRelease", "shop", "ship-1", "us-east-1", null, null);
    var verdict = TenancyRules.decide(List.of(metrics, alarmsAndTopics), Map.of(), request);
    PolicyBounds bounds = ((Permitted) verdict).bounds();

    CanaryPolicySpec p = policy();
    p.analysis.metrics.add(cloudWatch("orders", "Shop/Checkout", Map.of()));
    p.analysis.metrics.add(alarms("platform", "platform-5xx"));
    p.notifications = new CanaryPolicySpec.Notifications();
    p.notifications.snsTopicArn = "arn:aws:sns:eu-west-1:123456789012:shop-deploys";
    assertThat(bounds.refusal(p, FUNCTION, Set.of())).isEmpty();

    p.notifications.snsTopicArn = "arn:aws:sns:eu-west-1:210987654321:shop-deploys";
    assertThat(bounds.refusal(p, FUNCTION, Set.of())).get().asString().contains("matches none of topicArns [arn:aws:sns:*:123456789012:shop-*]");
  }

  @Test
  void withoutAGrantAServiceMayNameNoQueueAndEachQueueItNamesIsRefusedWhereItIsNamed() {
    ServerlessServiceSpec spec = queues("arn:aws:sqs:us-east-1:123456789012:billing-jobs");

    assertThat(PolicyBounds.NONE.serviceRefusal(new ServerlessServiceSpec())).as("no queue").isEmpty();
    assertThat(PolicyBounds.NONE.serviceRefusal(spec)).get().asString()
        .contains("function worker, events: queue arn:aws:sqs:us-east-1:123456789012:billing-jobs matches none of queueArns []")
        .contains("function worker, events, onFailure: queue arn:aws:sqs:us-east-1:123456789012:billing-jobs-failed matches none")
        .contains("function worker, deadLetter: queue arn:aws:sqs:us-east-1:123456789012:billing-jobs-dlq matches none")
        .contains("topic orders, subscription: queue arn:aws:sqs:us-east-1:123456789012:billing-jobs-fanout matches none")
        .doesNotContain("billing@example.com")
        .endsWith("(SlipwayTenancy of the namespace)");
  }

  @Test
  void aServiceMayNameTheQueuesTheGrantsMatchByGlobAndNoOther() {
    var verdict = TenancyRules.decide(List.of(tenancy("a-queues", s -> s.queueArns = List.of("arn:aws:sqs:*:123456789012:shop-*"))), Map.of(),
        new Request("ServerlessService", "shop", "shop", "us-east-1", null, null));
    PolicyBounds bounds = ((Permitted) verdict).bounds();

    assertThat(bounds.serviceRefusal(queues("arn:aws:sqs:eu-west-1:123456789012:shop-jobs"))).isEmpty();
    assertThat(bounds.serviceRefusal(queues("arn:aws:sqs:eu-west-1:210987654321:shop-jobs"))).get().asString()
        .contains("queue arn:aws:sqs:eu-west-1:210987654321:shop-jobs matches none of queueArns [arn:aws:sqs:*:123456789012:shop-*]")
        .contains("queue arn:aws:sqs:eu-west-1:210987654321:shop-jobs-dlq matches none");
  }

  @Test
  void aServicesNotificationsMayPublishOnlyToTheTopicsTheGrantsMatch() {
    var verdict = TenancyRules.decide(List.of(tenancy("a-topics", s -> s.topicArns = List.of("arn:aws:sns:*:123456789012:shop-*"))), Map.of(),
        new Request("ServerlessService", "shop", "shop", "us-east-1", null, null));
    PolicyBounds bounds = ((Permitted) verdict).bounds();
    ServerlessServiceSpec spec = new ServerlessServiceSpec();
    spec.notifications = new CanaryPolicySpec.Notifications();
    spec.notifications.snsTopicArn = "arn:aws:sns:us-east-1:123456789012:shop-stacks";

    assertThat(bounds.serviceRefusal(spec)).isEmpty();
    assertThat(PolicyBounds.NONE.serviceRefusal(spec)).get().asString()
        .isEqualTo("notifications publish to arn:aws:sns:us-east-1:123456789012:shop-stacks, which matches none of topicArns []"
            + " (SlipwayTenancy of the namespace)");
    spec.notifications.snsTopicArn = "arn:aws:sns:us-east-1:210987654321:shop-stacks";
    assertThat(bounds.serviceRefusal(spec)).get().asString().contains("matches none of topicArns [arn:aws:sns:*:123456789012:shop-*]");
  }

  @Test
  void withoutAGrantNoExtraStatementMayBePutIntoARoleAndEachResourceAndIdentityActionIsNamed() {
    ServerlessServiceSpec spec = statements(
        statement(List.of("dynamodb:GetItem"), List.of("arn:aws:dynamodb:us-east-1:123456789012:table/billing-prod-ledger")),
        statement(List.of("sts:AssumeRole", "IAM:PassRole"), List.of("*")));

    assertThat(PolicyBounds.NONE.serviceRefusal(spec)).get().asString()
        .contains("function worker, permissions.statements[0]: resource arn:aws:dynamodb:us-east-1:123456789012:table/billing-prod-ledger"
            + " falls within none of policyResources []")
        .contains("function worker, permissions.statements[1]: resource * falls within none of policyResources []")
        .contains("permissions.statements[1]: action sts:AssumeRole changes or assumes identities and falls within none of policyActions []")
        .contains("permissions.statements[1]: action IAM:PassRole changes or assumes identities")
        .endsWith("(SlipwayTenancy of the namespace)");
  }

  @Test
  void aStatementMayNameOnlyResourcesWhollyWithinTheGrantsAndIdentityActionsOnlyWhereGranted() {
    var verdict = TenancyRules.decide(List.of(tenancy("a-statements", s -> {
      s.policyResources = List.of("arn:aws:dynamodb:*:123456789012:table/shop-*", "arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/?");
      s.policyActions = List.of("sts:AssumeRole");
    })), Map.of(), new Request("ServerlessService", "shop", "shop", "us-east-1", null, null));
    PolicyBounds bounds = ((Permitted) verdict).bounds();

    assertThat(bounds.serviceRefusal(statements(statement(List.of("dynamodb:*", "sts:assumerole"),
        List.of("arn:aws:dynamodb:eu-west-1:123456789012:table/shop-orders", "arn:aws:dynamodb:*:123456789012:table/shop-*/index/*",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/a"))))).isEmpty();
    // A wildcard of the statement reaches past the grant, though the string itself would match it as a name.
    assertThat(bounds.serviceRefusal(statements(statement(List.of("dynamodb:GetItem"),
        List.of("arn:aws:dynamodb:*:*:table/shop-orders", "arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/*", "*")))))
        .get().asString()
        .contains("resource arn:aws:dynamodb:*:*:table/shop-orders falls within none")
        .contains("resource arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/* falls within none")
        .contains("resource * falls within none");
    assertThat(bounds.serviceRefusal(statements(statement(List.of("sts:Assume*", "iam:CreateAccessKey"),
        List.of("arn:aws:dynamodb:us-east-1:123456789012:table/shop-orders"))))).get().asString()
        .contains("action sts:Assume* changes or assumes identities and falls within none of policyActions [sts:AssumeRole]")
        .contains("action iam:CreateAccessKey changes or assumes identities");
  }

  /** What a role already holds is judged as a declared statement is: by the fields it reaches beyond. */
  @Test
  void aRoleStatementIsBeyondTheFieldsItsResourcesAndIdentityActionsFallOutside() {
    var verdict = TenancyRules.decide(List.of(tenancy("a-statements", s -> s.policyResources = List.of("arn:aws:dynamodb:*:123456789012:table/shop-*"))),
        Map.of(), new Request("ServerlessService", "shop", "shop", "us-east-1", null, null));
    PolicyBounds bounds = ((Permitted) verdict).bounds();
    String orders = "arn:aws:dynamodb:us-east-1:123456789012:table/shop-orders";

    assertThat(bounds.statementBeyond(List.of("dynamodb:GetItem"), List.of(orders))).isEmpty();
    assertThat(bounds.statementBeyond(List.of("dynamodb:GetItem"), List.of(orders, "*"))).containsExactly("policyResources");
    assertThat(bounds.statementBeyond(List.of("dynamodb:GetItem", "iam:PassRole"), List.of(orders))).containsExactly("policyActions");
    assertThat(bounds.statementBeyond(List.of("sts:AssumeRole"), List.of("arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/b")))
        .containsExactly("policyResources", "policyActions");
  }

  /** A wildcard in the service part of an action reaches IAM and STS too, as AWS reads it. */
  @Test
  void anActionWhoseServiceIsAWildcardCountsAsAnIdentityAction() {
    var verdict = TenancyRules.decide(List.of(tenancy("any-resource", s -> s.policyResources = List.of("*"))), Map.of(),
        new Request("ServerlessService", "shop", "shop", "us-east-1", null, null));
    PolicyBounds bounds = ((Permitted) verdict).bounds();

    assertThat(bounds.serviceRefusal(statements(statement(List.of("*", "*:PassRole", "i?m:CreateRole", "s*:AssumeRole", "dynamodb:*"), List.of("*")))))
        .get().asString()
        .contains("action * changes or assumes identities")
        .contains("action *:PassRole changes or assumes identities")
        .contains("action i?m:CreateRole changes or assumes identities")
        .contains("action s*:AssumeRole changes or assumes identities")
        .doesNotContain("dynamodb:*");
  }

  private static FunctionSpec.Statement statement(List<String> actions, List<String> resources) {
    FunctionSpec.Statement s = new FunctionSpec.Statement();
    s.actions = actions;
    s.resources = resources;
    return s;
  }

  /** A service whose one function declares {@code statements}. */
  private static ServerlessServiceSpec statements(FunctionSpec.Statement... statements) {
    FunctionSpec worker = new FunctionSpec();
    worker.name = "worker";
    worker.permissions = new FunctionSpec.Permissions();
    worker.permissions.statements = List.of(statements);
    ServerlessServiceSpec spec = new ServerlessServiceSpec();
    spec.functions = List.of(worker);
    return spec;
  }

  /** A service naming {@code queue} as an event source, and queues derived from it in each other place a queue can be named. */
  private static ServerlessServiceSpec queues(String queue) {
    FunctionSpec worker = new FunctionSpec();
    worker.name = "worker";
    EventSourceSpec fromQueue = new EventSourceSpec();
    fromQueue.queueArn = queue;
    EventSourceSpec fromStream = new EventSourceSpec();
    fromStream.table = "orders";
    fromStream.onFailure = new EventSourceSpec.Destination();
    fromStream.onFailure.queueArn = queue + "-failed";
    worker.events = List.of(fromQueue, fromStream);
    worker.deadLetter = new FunctionSpec.DeadLetter();
    worker.deadLetter.queueArn = queue + "-dlq";
    TopicSpec orders = new TopicSpec();
    orders.name = "orders";
    orders.subscriptions = List.of(
        new TopicSpec.Subscription(TopicSpec.Protocol.sqs, queue + "-fanout"),
        new TopicSpec.Subscription(TopicSpec.Protocol.email, "billing@example.com"));
    ServerlessServiceSpec spec = new ServerlessServiceSpec();
    spec.functions = List.of(worker);
    spec.topics = List.of(orders);
    return spec;
  }

  private static CanaryPolicySpec policy() {
    CanaryPolicySpec p = new CanaryPolicySpec();
    p.analysis = new CanaryPolicySpec.Analysis();
    return p;
  }

  private static CanaryPolicySpec.Metric cloudWatch(String name, String namespace, Map<String, String> dimensions) {
    CanaryPolicySpec.Metric m = new CanaryPolicySpec.Metric();
    m.name = name;
    m.cloudWatch = new CanaryPolicySpec.CloudWatchMetric();
    m.cloudWatch.namespace = namespace;
    m.cloudWatch.metricName = "Errors";
    m.cloudWatch.dimensions = new LinkedHashMap<>(dimensions);
    m.cloudWatch.max = 1.0;
    return m;
  }

  private static CanaryPolicySpec.Metric alarms(String name, String alarm) {
    CanaryPolicySpec.Metric m = new CanaryPolicySpec.Metric();
    m.name = name;
    m.cloudWatchAlarms = new CanaryPolicySpec.AlarmCheck();
    m.cloudWatchAlarms.names = List.of(alarm);
    return m;
  }

  private static SlipwayTenancy tenancy(String name, java.util.function.Consumer<SlipwayTenancySpec> spec) {
    SlipwayTenancy t = new SlipwayTenancy();
    t.setMetadata(new ObjectMetaBuilder().withName(name).build());
    t.setSpec(new SlipwayTenancySpec());
    t.getSpec().namespaces = List.of("shop");
    spec.accept(t.getSpec());
    return t;
  }
}
