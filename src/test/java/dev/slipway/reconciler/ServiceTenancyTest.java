package dev.slipway.reconciler;

import static dev.slipway.testing.AwsFaults.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.api.v1alpha1.EventSourceSpec;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.aws.AwsCallRecorder.Call;
import dev.slipway.aws.kinds.ExecutionRolePolicy;
import dev.slipway.status.Reasons;
import dev.slipway.testing.AwsFaults;
import dev.slipway.testing.AwsFaults.Request;
import dev.slipway.testing.KubeApiServer;
import dev.slipway.testing.SlipwayTestEnvironment;
import dev.slipway.testing.Tenancies;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SlipwayTenancy boundaries end to end: roles assumed only where allowed (ExternalId, session name
 * and tags), and queues and extra statements refused without an AWS call until granted, then revoked.
 * See {@link ServiceReconcilerTestBase} for the environment.
 */
@QuarkusTest
@WithTestResource(SlipwayTestEnvironment.class)
class ServiceTenancyTest extends ServiceReconcilerTestBase {

  // ---------------------------------------------------------------------------------------------
  // spec.roleArn: assumed through STS where a SlipwayTenancy allows it, refused elsewhere
  // ---------------------------------------------------------------------------------------------

  @Test
  void roleArnIsAssumedThroughStsWithTheTenancysExternalIdASessionNamingTheServiceAndSessionTags() {
    ServerlessService service = small("assumed");
    String role = "arn:aws:iam::" + ACCOUNT + ":role/slipway-deployer";
    service.getSpec().roleArn = role;
    Tenancies.grant(client, ns, t -> {
      t.roleArns = List.of("arn:aws:iam::" + ACCOUNT + ":role/slipway-*");
      t.externalId = "tenant-" + ns;
    });
    recorder.clear();
    Instant mark = Instant.now();
    create(service);

    ServerlessService ready = awaitReady("assumed", 1);
    List<Request> assumeRole = faults.requests(since(mark).and(AwsFaults.action("AssumeRole")).and(r -> r.body().contains("sls." + ns + ".assumed")));
    assertThat(assumeRole).isNotEmpty().allSatisfy(r -> assertThat(form(r.body())).contains(
        Map.entry("RoleArn", role),
        Map.entry("ExternalId", "tenant-" + ns),
        Map.entry("RoleSessionName", "sls." + ns + ".assumed"),
        Map.entry("Tags.member.1.Key", "slipway.dev/kind"), Map.entry("Tags.member.1.Value", "ServerlessService"),
        Map.entry("Tags.member.2.Key", "slipway.dev/name"), Map.entry("Tags.member.2.Value", "assumed"),
        Map.entry("Tags.member.3.Key", "slipway.dev/namespace"), Map.entry("Tags.member.3.Value", ns)));
    assertThat(calls("assumed")).anySatisfy(c -> {
      assertThat(c.operation()).isEqualTo("AssumeRole");
      assertThat(c.failed()).isFalse();
    });
    // The stack's calls were signed with the session's credentials, not the base ones.
    assertThat(faults.requests(since(mark).and(target("CreateTable")))).isNotEmpty()
        .allSatisfy(r -> assertThat(r.header("Authorization")).doesNotContain("Credential=testing/"));
    assertThat(lambda.getFunction(r -> r.functionName("assumed-prod-api")).configuration().state().toString()).isEqualTo("Active");
    // The ExternalId is the tenancy's business: it appears in no status or event of the service.
    assertThat(client.getKubernetesSerialization().asJson(ready.getStatus())).doesNotContain("tenant-" + ns);
    assertThat(events("assumed", e -> true)).extracting(Event::getMessage).noneMatch(m -> m.contains("tenant-" + ns));
  }

  @Test
  void aRoleOnlyAnotherNamespaceMayAssumeIsNotPermittedWithoutAnAwsCallUntilTheTenancyAllowsIt() {
    String role = "arn:aws:iam::" + ACCOUNT + ":role/team-other-deployer";
    String other = KubeApiServer.shared().newNamespace("sls-other");
    Tenancies.grant(client, other, t -> t.roleArns = List.of(role));
    ServerlessService service = small("refused");
    service.getSpec().roleArn = role;
    Instant mark = Instant.now();
    create(service);

    ServerlessService s = awaitCondition("refused", "Ready", "False", Reasons.NOT_PERMITTED);
    assertCondition(s, "Degraded", "True", Reasons.NOT_PERMITTED);
    assertCondition(s, "Reconciling", "False", Reasons.NOT_PERMITTED);
    assertCondition(s, "Stalled", "True", Reasons.NOT_PERMITTED);
    assertThat(condition(s, "Ready").getMessage())
        .contains("ServerlessService " + ns + "/refused may not assume " + role)
        .contains("no SlipwayTenancy selects namespace " + ns);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(events("refused", e -> e.getType().equals("Warning"))).extracting(Event::getReason).containsOnly(Reasons.NOT_PERMITTED));
    // Refused before the first AWS call: none recorded for the service, no AssumeRole of the role at all.
    assertThat(calls("refused")).isEmpty();
    assertThat(faults.requests(since(mark).and(r -> r.body().contains("team-other-deployer")))).isEmpty();
    Tenancies.revoke(client, other);

    // The administrator grants the role: the tenancy change alone, no spec change, brings the service up.
    Tenancies.grant(client, ns, t -> t.roleArns = List.of(role));
    assertThat(awaitReady("refused", 1).getStatus().conditions).extracting(Condition::getType).doesNotContain("Stalled");
    assertThat(calls("refused")).extracting(Call::operation).contains("AssumeRole", "CreateTable");
  }

  @Test
  void aRevokedRoleStopsTheServiceAndItsDeletionLeavesTheAwsResourcesUntouched() {
    String role = "arn:aws:iam::" + ACCOUNT + ":role/team-revoked-deployer";
    Tenancies.grant(client, ns, t -> t.roleArns = List.of(role));
    ServerlessService service = small("revoked");
    service.getSpec().roleArn = role;
    create(service);
    awaitReady("revoked", 1);

    // The revocation alone re-evaluates the service.
    Tenancies.revoke(client, ns);
    awaitCondition("revoked", "Ready", "False", Reasons.NOT_PERMITTED);
    Instant mark = Instant.now();
    client.resources(ServerlessService.class).inNamespace(ns).withName("revoked").delete();

    await().atMost(CONVERGE).until(() -> get("revoked") == null);
    assertThat(faults.requests(since(mark).and(r -> r.body().contains("revoked-prod") || r.path().contains("revoked-prod")))).isEmpty();
    assertThat(dynamo.describeTable(r -> r.tableName("revoked-prod-items")).table().tableName()).isEqualTo("revoked-prod-items");
    assertThat(events("revoked", e -> e.getType().equals("Warning") && e.getReason().equals(Reasons.NOT_PERMITTED)))
        .extracting(Event::getMessage).anyMatch(m -> m.startsWith("AWS resources left in place: "));
  }

  @Test
  void aQueueNoTenancyGrantsIsNotPermittedWithoutAnAwsCallUntilTheTenancyAllowsIt() {
    // Another team's queues: the function would read one and dead-letter into the other.
    String jobs = sqs.createQueue(r -> r.queueName(ns + "-jobs")).queueUrl();
    String failed = sqs.createQueue(r -> r.queueName(ns + "-failed")).queueUrl();
    String jobsArn = "arn:aws:sqs:us-east-1:" + ACCOUNT + ":" + ns + "-jobs";
    String failedArn = "arn:aws:sqs:us-east-1:" + ACCOUNT + ":" + ns + "-failed";
    ServerlessService service = small("queued");
    FunctionSpec api = function(service, "api");
    var source = new EventSourceSpec();
    source.queueArn = jobsArn;
    api.events.add(source);
    api.deadLetter = new FunctionSpec.DeadLetter();
    api.deadLetter.queueArn = failedArn;
    create(service);

    ServerlessService s = awaitCondition("queued", "Ready", "False", Reasons.NOT_PERMITTED);
    assertCondition(s, "Reconciling", "False", Reasons.NOT_PERMITTED);
    assertThat(condition(s, "Ready").getMessage())
        .contains("function api, events: queue " + jobsArn + " matches none of queueArns []")
        .contains("function api, deadLetter: queue " + failedArn + " matches none of queueArns []");
    assertThat(calls("queued")).isEmpty();

    // A grant of one queue is not enough; the tenancy change alone brings the service back each time.
    Tenancies.grant(client, ns, t -> t.queueArns = List.of(jobsArn));
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(condition(get("queued"), "Ready").getMessage())
        .doesNotContain("events: queue").contains("function api, deadLetter: queue " + failedArn + " matches none of queueArns [" + jobsArn + "]"));
    assertThat(calls("queued")).isEmpty();

    Tenancies.grant(client, ns, t -> t.queueArns = List.of("arn:aws:sqs:*:" + ACCOUNT + ":" + ns + "-*"));
    awaitReady("queued", 1);
    assertThat(calls("queued")).extracting(Call::operation).contains("CreateEventSourceMapping");
    // The grants the queues were refused for (moto keeps no DeadLetterConfig to read back).
    JsonNode policy = ExecutionRolePolicy.parse(iam.getRolePolicy(r -> r.roleName("queued-prod-api").policyName("slipway-execution")).policyDocument());
    assertThat(statement(policy, "EventSourceQueues").get("Resource").toString()).contains(jobsArn);
    assertThat(statement(policy, "DeadLetterQueue").get("Resource").toString()).contains(failedArn);

    client.resources(ServerlessService.class).inNamespace(ns).withName("queued").delete();
    await().atMost(CONVERGE).until(() -> get("queued") == null);
    sqs.deleteQueue(r -> r.queueUrl(jobs));
    sqs.deleteQueue(r -> r.queueUrl(failed));
  }

  @Test
  void anExtraStatementBeyondTheTenancysGrantsIsNotPermittedWithoutAnAwsCallUntilTheTenancyAllowsIt() {
    // Another team's table and a role to assume: the tenancy's other grants would mean nothing if a statement could name them.
    String table = "arn:aws:dynamodb:us-east-1:" + ACCOUNT + ":table/" + ns + "-ledger";
    String role = "arn:aws:iam::" + ACCOUNT + ":role/" + ns + "-auditor";
    ServerlessService service = small("stated");
    FunctionSpec api = function(service, "api");
    api.permissions = new FunctionSpec.Permissions();
    var read = new FunctionSpec.Statement();
    read.actions = List.of("dynamodb:GetItem");
    read.resources = List.of(table);
    var assume = new FunctionSpec.Statement();
    assume.actions = List.of("sts:AssumeRole");
    assume.resources = List.of(role);
    api.permissions.statements = List.of(read, assume);
    create(service);

    ServerlessService s = awaitCondition("stated", "Ready", "False", Reasons.NOT_PERMITTED);
    assertThat(condition(s, "Ready").getMessage())
        .contains("function api, permissions.statements[0]: resource " + table + " falls within none of policyResources []")
        .contains("function api, permissions.statements[1]: resource " + role + " falls within none of policyResources []")
        .contains("function api, permissions.statements[1]: action sts:AssumeRole changes or assumes identities");
    assertThat(calls("stated")).isEmpty();

    // The resources alone are not enough for an identity action.
    Tenancies.grant(client, ns, t -> t.policyResources = List.of("arn:aws:*:*:" + ACCOUNT + ":*" + ns + "-*"));
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(condition(get("stated"), "Ready").getMessage())
        .doesNotContain("policyResources").contains("action sts:AssumeRole changes or assumes identities and falls within none of policyActions []"));
    assertThat(calls("stated")).isEmpty();

    Tenancies.grant(client, ns, t -> {
      t.policyResources = List.of("arn:aws:*:*:" + ACCOUNT + ":*" + ns + "-*");
      t.policyActions = List.of("sts:AssumeRole");
    });
    awaitReady("stated", 1);
    JsonNode policy = ExecutionRolePolicy.parse(iam.getRolePolicy(r -> r.roleName("stated-prod-api").policyName("slipway-execution")).policyDocument());
    assertThat(statement(policy, "Declared0").get("Resource").toString()).contains(table);
    assertThat(statement(policy, "Declared1").get("Resource").toString()).contains(role);

    client.resources(ServerlessService.class).inNamespace(ns).withName("stated").delete();
    await().atMost(CONVERGE).until(() -> get("stated") == null);
  }

  /**
   * A narrowed policyResources takes the declared statement that now reaches beyond it out of the
   * role, whole, while the one still allowed stays; the grant's return puts it back.
   */
  @Test
  void aNarrowedStatementGrantTakesTheDeclaredStatementBeyondItOutOfTheRoleUntilTheGrantReturns() {
    String table = "arn:aws:dynamodb:us-east-1:" + ACCOUNT + ":table/" + ns + "-ledger";
    String bucket = "arn:aws:s3:::" + ns + "-reports/*";
    String tables = "arn:aws:dynamodb:*:" + ACCOUNT + ":table/" + ns + "-*";
    Tenancies.grant(client, ns, t -> t.policyResources = List.of(tables, "arn:aws:s3:::" + ns + "-*"));
    ServerlessService service = small("narrowed");
    FunctionSpec api = function(service, "api");
    api.permissions = new FunctionSpec.Permissions();
    var read = new FunctionSpec.Statement();
    read.actions = List.of("dynamodb:GetItem");
    read.resources = List.of(table);
    var reports = new FunctionSpec.Statement();
    reports.actions = List.of("s3:GetObject");
    reports.resources = List.of(bucket);
    api.permissions.statements = List.of(read, reports);
    create(service);
    awaitReady("narrowed", 1);
    assertThat(rolePolicyResources("narrowed-prod-api")).contains(table, bucket);

    // The bucket is no longer granted: its statement leaves the role; the table's stays as it was.
    recorder.clear();
    Tenancies.grant(client, ns, t -> t.policyResources = List.of(tables));
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(condition(get("narrowed"), "Ready").getMessage())
        .contains("function api, permissions.statements[1]: resource " + bucket + " falls within none of policyResources [" + tables + "]")
        .contains("what grants since revoked gave it is taken back until they return: IAMRole narrowed-prod-api"));
    JsonNode policy = ExecutionRolePolicy.parse(iam.getRolePolicy(r -> r.roleName("narrowed-prod-api").policyName("slipway-execution")).policyDocument());
    assertThat(statement(policy, "Declared0").get("Resource").toString()).contains(table);
    assertThat(rolePolicyResources("narrowed-prod-api")).doesNotContain(bucket);
    assertThat(events("narrowed", e -> e.getReason().equals(Reasons.GRANT_REVOKED))).extracting(Event::getMessage).containsExactly(
        "Took declared statement Declared1 out of execution role narrowed-prod-api: s3:GetObject on " + bucket
            + " is no longer granted to the namespace; it is put back when the grant returns");
    assertThat(resource(get("narrowed"), "IAMRole", "api").message).isEqualTo("taken back: took declared statement Declared1 out of execution role "
        + "narrowed-prod-api (s3:GetObject on " + bucket + "), as the namespace's SlipwayTenancy no longer grants it (policyResources)");
    assertThat(mutatingOperations("narrowed")).as("nothing but the revocation is changed for a refused service").containsOnly("PutRolePolicy");

    // The grant returns: the converge puts the statement back.
    Tenancies.grant(client, ns, t -> t.policyResources = List.of(tables, "arn:aws:s3:::" + ns + "-*"));
    awaitReady("narrowed", 1);
    assertThat(rolePolicyResources("narrowed-prod-api")).contains(table, bucket);

    client.resources(ServerlessService.class).inNamespace(ns).withName("narrowed").delete();
    await().atMost(CONVERGE).until(() -> get("narrowed") == null);
  }

  @Test
  void aRevokedQueueGrantDisablesTheServicesMappingOfItUntilTheGrantReturns() {
    String jobs = sqs.createQueue(r -> r.queueName(ns + "-revoked-jobs")).queueUrl();
    String jobsArn = "arn:aws:sqs:us-east-1:" + ACCOUNT + ":" + ns + "-revoked-jobs";
    Tenancies.grant(client, ns, t -> t.queueArns = List.of(jobsArn));
    ServerlessService service = small("consumer");
    var source = new EventSourceSpec();
    source.queueArn = jobsArn;
    function(service, "api").events.add(source);
    create(service);
    String uuid = awaitReady("consumer", 1).getStatus().resources.stream()
        .filter(r -> r.kind.equals("EventSourceMapping")).findFirst().orElseThrow().id;
    assertThat(lambda.getEventSourceMapping(r -> r.uuid(uuid)).state()).isEqualTo("Enabled");

    // The administrator takes the queue away: the service stops, and its mapping stops reading the queue.
    recorder.clear();
    Tenancies.revoke(client, ns);
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(lambda.getEventSourceMapping(r -> r.uuid(uuid)).state()).isEqualTo("Disabled"));
    await().atMost(CONVERGE).untilAsserted(() -> assertThat(condition(get("consumer"), "Ready").getMessage())
        .contains("function api, events: queue " + jobsArn + " matches none of queueArns []")
        .contains("what grants since revoked gave it is taken back until they return: ")
        .contains("IAMRole consumer-prod-api", "EventSourceMapping consumer-prod-api:prod <- " + jobsArn));
    assertThat(get("consumer").getStatus().resources).filteredOn(r -> r.kind.equals("EventSourceMapping"))
        .extracting(r -> r.message).containsExactly("taken back: disabled event source mapping consumer-prod-api:prod <- " + jobsArn + " (queue " + jobsArn
            + "), as the namespace's SlipwayTenancy no longer grants it (queueArns)");
    assertThat(events("consumer", e -> e.getReason().equals(Reasons.GRANT_REVOKED))).extracting(Event::getMessage)
        .contains("Disabled event source mapping consumer-prod-api:prod <- " + jobsArn + ": queue " + jobsArn
            + " is no longer granted to the namespace; it is enabled again when the grant returns");
    assertThat(mutatingOperations("consumer")).as("nothing else is changed for a refused service").containsOnly("UpdateEventSourceMapping", "PutRolePolicy");

    // The grant returns: the converge enables the mapping again.
    Tenancies.grant(client, ns, t -> t.queueArns = List.of(jobsArn));
    awaitReady("consumer", 1);
    assertThat(lambda.getEventSourceMapping(r -> r.uuid(uuid)).state()).isEqualTo("Enabled");

    client.resources(ServerlessService.class).inNamespace(ns).withName("consumer").delete();
    await().atMost(CONVERGE).until(() -> get("consumer") == null);
    sqs.deleteQueue(r -> r.queueUrl(jobs));
  }

  /**
   * Everything else a queue grant gave a converged service is taken back with it: (a) the role's
   * grants on the queues, (b) a topic's subscription delivering into one, (c) a stream mapping's
   * failure destination and the function's dead-letter queue. Moto 5.2.1 ignores DeadLetterConfig,
   * so GetFunction answers for the function carry the last one the operator sent, through a TEST
   * DOUBLE (a standing rewrite of the fault proxy, {@link #playDeadLetterConfig}).
   */
  @Test
  void aRevokedQueueGrantTakesBackTheRolesGrantsTheTopicsSubscriptionAndTheFailureDestinationsUntilTheGrantReturns() throws Exception {
    String prefix = "arn:aws:sqs:us-east-1:" + ACCOUNT + ":" + ns + "-";
    String jobs = prefix + "jobs";
    String inbox = prefix + "inbox";
    String streamFailures = prefix + "stream-failures";
    String dead = prefix + "dead";
    List<String> urls = List.of("jobs", "inbox", "stream-failures", "dead").stream()
        .map(q -> sqs.createQueue(r -> r.queueName(ns + "-" + q)).queueUrl()).toList();
    Tenancies.grant(client, ns, t -> t.queueArns = List.of(prefix + "*"));
    ServerlessService service = small("granted");
    service.getSpec().tables.get(0).streamView = dev.slipway.api.v1alpha1.TableSpec.StreamView.NEW_IMAGE;
    FunctionSpec api = function(service, "api");
    var queue = new EventSourceSpec();
    queue.queueArn = jobs;
    var stream = new EventSourceSpec();
    stream.table = "items";
    stream.onFailure = new EventSourceSpec.Destination();
    stream.onFailure.queueArn = streamFailures;
    api.events.addAll(List.of(queue, stream));
    api.deadLetter = new FunctionSpec.DeadLetter();
    api.deadLetter.queueArn = dead;
    var topic = new dev.slipway.api.v1alpha1.TopicSpec();
    topic.name = "news";
    var subscription = new dev.slipway.api.v1alpha1.TopicSpec.Subscription();
    subscription.protocol = dev.slipway.api.v1alpha1.TopicSpec.Protocol.sqs;
    subscription.endpoint = inbox;
    topic.subscriptions.add(subscription);
    service.getSpec().topics.add(topic);
    try (var deadLetters = playDeadLetterConfig("granted-prod-api")) {
      create(service);
      ServerlessService ready = awaitReady("granted", 1);
      String topicArn = resource(ready, "SNSTopic", "news").id;
      String streamMapping = resource(ready, "EventSourceMapping", "api/table:items").id;
      assertThat(rolePolicyResources("granted-prod-api")).contains(jobs, streamFailures, dead);
      assertThat(sqsEndpoints(topicArn)).containsExactly(inbox);
      assertThat(onFailure(streamMapping)).isEqualTo(streamFailures);
      assertThat(deadLetter("granted-prod-api")).isEqualTo(dead);

      recorder.clear();
      Tenancies.revoke(client, ns);
      await().atMost(CONVERGE).untilAsserted(() -> assertThat(condition(get("granted"), "Ready").getMessage())
          .contains("what grants since revoked gave it is taken back until they return: ")
          .contains("IAMRole granted-prod-api", "LambdaFunction granted-prod-api", "SNSSubscription ", "EventSourceMapping granted-prod-api:prod <- granted-prod-items stream"));
      ServerlessService refused = get("granted");
      assertCondition(refused, "Ready", "False", Reasons.NOT_PERMITTED);
      // (a) Not one of the queues is left in the role; its other grants (the table, the stream, the logs) stay.
      assertThat(rolePolicyResources("granted-prod-api")).noneMatch(r -> r.startsWith(prefix)).anyMatch(r -> r.contains(":table/granted-prod-items"));
      // (b) The topic delivers into the queue no more.
      assertThat(sqsEndpoints(topicArn)).isEmpty();
      // (c) Failures of the stream's batches and of the function's invocations go there no more.
      assertThat(onFailure(streamMapping)).isNull();
      assertThat(deadLetter("granted-prod-api")).isEmpty();
      assertThat(events("granted", e -> e.getReason().equals(Reasons.GRANT_REVOKED))).extracting(Event::getMessage).contains(
          "Took sqs:SendMessage on the queue out of execution role granted-prod-api (statement DeadLetterQueue): queue " + dead
              + " is no longer granted to the namespace; it is granted again when the grant returns",
          "Took sqs:SendMessage on the queue out of execution role granted-prod-api (statement EventSourceFailureQueues): queue " + streamFailures
              + " is no longer granted to the namespace; it is granted again when the grant returns",
          "Unsubscribed the queue from topic " + topicArn + ": queue " + inbox + " is no longer granted to the namespace; it is subscribed again when the grant returns",
          "Removed the failure destination of event source mapping granted-prod-api:prod <- granted-prod-items stream: queue " + streamFailures
              + " is no longer granted to the namespace; it is set again when the grant returns",
          "Removed the dead-letter queue of function granted-prod-api ($LATEST): queue " + dead
              + " is no longer granted to the namespace; it is set again when the grant returns");
      assertThat(resource(refused, "SNSSubscription", "news/sqs:" + inbox).message).startsWith("taken back: unsubscribed the queue from topic " + topicArn);
      assertThat(mutatingOperations("granted")).as("nothing but the revocation is changed for a refused service")
          .containsOnly("PutRolePolicy", "Unsubscribe", "UpdateEventSourceMapping", "UpdateFunctionConfiguration");
      // Done once: a later pass finds nothing left to take back, and says the same.
      List<String> mutations = mutatingOperations("granted");
      int warnings = events("granted", e -> e.getType().equals("Warning")).size();
      // A merge patch, not an edit: the operator may write status meanwhile, and only the annotation is meant.
      client.resources(ServerlessService.class).inNamespace(ns).withName("granted").patch(
          io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
          "{\"metadata\":{\"annotations\":{\"" + dev.slipway.api.v1alpha1.Slipway.RECONCILE_REQUESTED_AT + "\":\"again\"}}}");
      await().pollDelay(Duration.ofSeconds(2)).atMost(CONVERGE).until(() -> "again".equals(get("granted").getStatus().lastHandledReconcileAt));
      assertThat(mutatingOperations("granted")).isEqualTo(mutations);
      assertThat(events("granted", e -> e.getType().equals("Warning"))).hasSize(warnings);

      // The grant returns: the converge puts everything back.
      Tenancies.grant(client, ns, t -> t.queueArns = List.of(prefix + "*"));
      awaitReady("granted", 1);
      assertThat(rolePolicyResources("granted-prod-api")).contains(jobs, streamFailures, dead);
      assertThat(sqsEndpoints(topicArn)).containsExactly(inbox);
      assertThat(onFailure(streamMapping)).isEqualTo(streamFailures);
      assertThat(deadLetter("granted-prod-api")).isEqualTo(dead);

      client.resources(ServerlessService.class).inNamespace(ns).withName("granted").delete();
      await().atMost(CONVERGE).until(() -> get("granted") == null);
    } finally {
      urls.forEach(u -> sqs.deleteQueue(r -> r.queueUrl(u)));
    }
  }

  private static List<String> rolePolicyResources(String role) {
    return resourcesOf(ExecutionRolePolicy.parse(iam.getRolePolicy(r -> r.roleName(role).policyName("slipway-execution")).policyDocument()));
  }

  private static List<String> sqsEndpoints(String topicArn) {
    try (var sns = software.amazon.awssdk.services.sns.SnsClient.builder().endpointOverride(dev.slipway.testing.MotoServer.shared().endpoint())
        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("testing", "testing"))).build()) {
      return sns.listSubscriptionsByTopic(r -> r.topicArn(topicArn)).subscriptions().stream()
          .filter(s -> s.protocol().equals("sqs")).map(s -> s.endpoint()).toList();
    }
  }

  private static String onFailure(String uuid) {
    var config = lambda.getEventSourceMapping(r -> r.uuid(uuid)).destinationConfig();
    return config == null || config.onFailure() == null ? null : config.onFailure().destination();
  }

  /** The dead-letter target the operator last set on the function: what the double answers ("" once removed). */
  private String deadLetter(String function) {
    return faults.requests(r -> deadLetterWrite(r, function)).stream().reduce((a, b) -> b).map(ServiceTenancyTest::deadLetterTarget).orElse(null);
  }

  /**
   * TEST DOUBLE for the dead-letter configuration of {@code function}, which moto 5.2.1 neither keeps
   * nor shows: the proxy's GetFunction answers for it carry the target of the last CreateFunction or
   * UpdateFunctionConfiguration the operator sent with one, as Lambda would show it.
   */
  private AutoCloseable playDeadLetterConfig(String function) {
    return faults.standingRewrite(AwsFaults.getFunction(function), body -> {
      String target = deadLetter(function);
      if (target == null || target.isEmpty()) {
        return body;
      }
      try {
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(body);
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("Configuration")).putObject("DeadLetterConfig").put("TargetArn", target);
        return JSON.writeValueAsString(json);
      } catch (java.io.IOException | RuntimeException e) {
        return body; // not a function (an error answer): as moto said it
      }
    });
  }

  private static boolean deadLetterWrite(Request r, String function) {
    boolean write = (r.method().equals("POST") && r.path().equals("/2015-03-31/functions") && r.bodyContains("\"" + function + "\""))
        || (r.method().equals("PUT") && r.path().equals("/2015-03-31/functions/" + function + "/configuration"));
    return write && r.status() < 300 && r.bodyContains("DeadLetterConfig");
  }

  private static String deadLetterTarget(Request r) {
    try {
      return JSON.readTree(r.body()).path("DeadLetterConfig").path("TargetArn").asText();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
}
