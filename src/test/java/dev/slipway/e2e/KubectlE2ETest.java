package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.api.v1alpha1.Slipway;
import dev.slipway.testing.Artifacts;
import dev.slipway.argocd.ArgoCdHealth;
import dev.slipway.testing.AwsFaults;
import dev.slipway.testing.ElastiCacheDouble;
import dev.slipway.testing.KubeApiServer;
import dev.slipway.testing.MotoServer;
import dev.slipway.testing.SlipwayTestEnvironment;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.apigatewayv2.ApiGatewayV2Client;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.CacheSubnetGroupNotFoundException;
import software.amazon.awssdk.services.elasticache.model.ReplicationGroupNotFoundException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Slipway as a user drives it: a real kubectl against a real kube-apiserver, the real operator
 * in-process (SlipwayTestEnvironment), AWS played by moto. Everything goes through kubectl's
 * command line and is judged on what kubectl prints and what the API server and moto hold.
 */
@QuarkusTest
@WithTestResource(SlipwayTestEnvironment.class)
class KubectlE2ETest {

  private static final Duration CONVERGE = Duration.ofSeconds(120);
  private static final String USER_SSA_MANAGER = "kubectl";
  private static final String USER_CSA_MANAGERS = "kubectl-client-side-apply";

  private static KubeApiServer kube;
  private static KubernetesClient k8s;
  /** Clients of moto by region: the seeds' examples run in ap-northeast-2, the other stacks of this class in us-east-1. */
  private static final Map<String, Aws> AWS = new java.util.concurrent.ConcurrentHashMap<>();
  /** The clients of us-east-1, where the other stacks of this class run. */
  private static Aws aws;
  private static ElastiCacheDouble elastiCache;
  private static AutoCloseable elastiCacheRoute;

  @BeforeAll
  static void peers() {
    kube = KubeApiServer.shared();
    k8s = kube.client();
    aws = awsIn(SlipwayTestEnvironment.AWS_REGION);
    // TEST DOUBLE: the operator's ElastiCache calls go through the fault proxy to ElastiCacheDouble,
    // which serves what moto 5.2.1 lacks (a deletion that ends, DeleteCacheSubnetGroup) and passes the rest to moto.
    elastiCache = new ElastiCacheDouble(MotoServer.shared().endpoint());
    elastiCacheRoute = AwsFaults.shared().route(AwsFaults.service("elasticache"), elastiCache.endpoint());
  }

  @AfterAll
  static void close() throws Exception {
    if (elastiCacheRoute != null) {
      elastiCacheRoute.close();
      elastiCache.close();
    }
    AWS.values().forEach(Aws::close);
  }

  private static Aws awsIn(String region) {
    return AWS.computeIfAbsent(region, Aws::new);
  }

  /** The clients the test reads moto with in one region; ElastiCache's through the proxy, so through the double as the operator. */
  private static final class Aws implements AutoCloseable {
    final S3Client s3;
    final LambdaClient lambda;
    final DynamoDbClient dynamo;
    final IamClient iam;
    final ApiGatewayClient apigateway;
    final ApiGatewayV2Client apigatewayV2;
    final SnsClient sns;
    final SsmClient ssm;
    final CloudWatchLogsClient logs;
    final CognitoIdentityProviderClient cognito;
    final software.amazon.awssdk.services.ec2.Ec2Client ec2;
    final CloudWatchClient cloudWatch;
    final RdsClient rds;
    final SecretsManagerClient secrets;
    final ElastiCacheClient elastiCache;

    Aws(String name) {
      var moto = MotoServer.shared().endpoint();
      var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
      var region = Region.of(name);
      s3 = S3Client.builder().endpointOverride(moto).region(region).credentialsProvider(creds).forcePathStyle(true).build();
      lambda = LambdaClient.builder().endpointOverride(moto).region(region).credentialsProvider(creds).build();
      dynamo = DynamoDbClient.builder().endpointOverride(moto).region(region).credentialsProvider(creds).build();
      iam = IamClient.builder().endpointOverride(moto).region(Region.AWS_GLOBAL).credentialsProvider(creds).build();
      apigateway = ApiGatewayClient.builder().endpointOverride(moto).region(region).credentialsProvider(creds).build();
      apigatewayV2 = ApiGatewayV2Client.builder().endpointOverride(moto).region(region).credentialsProvider(creds).build();
      sns = SnsClient.builder().endpointOverride(moto).region(region).credentialsProvider(creds).build();
      ssm = SsmClient.builder().endpointOverride(moto).region(region).credentialsProvider(creds).build();
      logs = CloudWatchLogsClient.builder().endpointOverride(moto).region(region).credentialsProvider(creds).build();
      cognito = CognitoIdentityProviderClient.builder().endpointOverride(moto).region(region).credentialsProvider(creds).build();
      ec2 = software.amazon.awssdk.services.ec2.Ec2Client.builder().endpointOverride(moto).region(region).credentialsProvider(creds).build();
      cloudWatch = CloudWatchClient.builder().endpointOverride(moto).region(region).credentialsProvider(creds).build();
      rds = RdsClient.builder().endpointOverride(moto).region(region).credentialsProvider(creds).build();
      secrets = SecretsManagerClient.builder().endpointOverride(moto).region(region).credentialsProvider(creds).build();
      elastiCache = ElastiCacheClient.builder().endpointOverride(AwsFaults.shared().endpoint()).region(region).credentialsProvider(creds).build();
    }

    @Override
    public void close() {
      Stream.of(s3, lambda, dynamo, iam, apigateway, apigatewayV2, sns, ssm, logs, cognito, cloudWatch, ec2, rds, secrets, elastiCache).forEach(c -> c.close());
    }
  }

  // --- CRDs ---------------------------------------------------------------------------------------

  /** Runs deploy/argocd's health script on the object exactly as `kubectl get -o json` shows it. */
  @SuppressWarnings("unchecked")
  private ArgoCdHealth.Result argoCdHealth(String resource, String namespace, String name) throws Exception {
    KubeApiServer.Result get = kubectl("get", resource, name, "-n", namespace, "-o", "json");
    assertThat(get.exitCode()).as(get.stderr()).isZero();
    Map<String, Object> object = new com.fasterxml.jackson.databind.ObjectMapper().readValue(get.stdout(), Map.class);
    return ArgoCdHealth.health((String) object.get("kind"), object);
  }

  @Test
  void crdsApplyCleanlyAndReapplyingChangesNothing() {
    // The harness installed them by server-side apply; a user's kubectl apply takes them over cleanly.
    KubeApiServer.Result first = kubectl("apply", "-f", "deploy/crds");
    assertThat(first.exitCode()).as(first.stderr()).isZero();
    // The harness installed them by server-side apply, so kubectl notes it adds its annotation; nothing else.
    assertThat(first.stderr().lines())
        .as("no warnings")
        .allSatisfy(l -> assertThat(l).contains("is missing the kubectl.kubernetes.io/last-applied-configuration annotation"));
    Map<String, String> versions = crdResourceVersions();

    KubeApiServer.Result again = kubectl("apply", "-f", "deploy/crds");
    assertThat(again.exitCode()).as(again.stderr()).isZero();
    assertThat(again.stdout().lines().toList())
        .hasSize(4)
        .allSatisfy(line -> assertThat(line).endsWith(" unchanged"));
    assertThat(crdResourceVersions()).isEqualTo(versions);

    KubeApiServer.Result serverSide = kubectl("apply", "--server-side", "-f", "deploy/crds");
    assertThat(serverSide.exitCode()).as(serverSide.stderr()).isZero();
    assertThat(serverSide.stdout().lines().toList()).hasSize(4).allSatisfy(l -> assertThat(l).endsWith(" serverside-applied"));
    Map<String, String> afterServerSide = crdResourceVersions();
    KubeApiServer.Result serverSideAgain = kubectl("apply", "--server-side", "-f", "deploy/crds");
    assertThat(serverSideAgain.exitCode()).as(serverSideAgain.stderr()).isZero();
    assertThat(crdResourceVersions()).as("a second server-side apply is a no-op").isEqualTo(afterServerSide);
  }

  private static Map<String, String> crdResourceVersions() {
    Map<String, String> versions = new java.util.TreeMap<>();
    for (CustomResourceDefinition crd : k8s.apiextensions().v1().customResourceDefinitions().list().getItems()) {
      if (crd.getSpec().getGroup().equals(Slipway.GROUP)) {
        versions.put(crd.getMetadata().getName(), crd.getMetadata().getResourceVersion());
      }
    }
    assertThat(versions).hasSize(4);
    return versions;
  }

  // --- examples -----------------------------------------------------------------------------------

  @Test
  void everyExampleAppliesCleanlyAndItsServicesConverge() throws Exception {
    // The artifacts the examples name must exist before their functions can be created.
    Artifacts.upload(aws.s3, "nexus-artifacts", "backend/1.4.0.zip", "nexus-1.4.0");
    Artifacts.upload(aws.s3, "nexus-artifacts", "frontend/1.4.0.zip", Artifacts.site("1.4.0"));
    Artifacts.upload(aws.s3, "todo-artifacts", "api/2.3.0.zip", "todo-2.3.0");
    Artifacts.upload(aws.s3, "health-artifacts", "health-check/1.0.0.zip", "health-1.0.0");
    Artifacts.upload(aws.s3, "willbook-artifacts", "api/1.0.0.zip", "willbook-1.0.0");
    Artifacts.upload(aws.s3, "willbook-artifacts", "frontend/1.0.0.zip", Artifacts.site("1.0.0"));

    List<Example> examples = examples();
    assertThat(examples).extracting(Example::toString)
        .contains("examples/nexus", "examples/todo/overlays/dev", "examples/health-check/overlays/dev", "examples/willbook/overlays/dev");
    List<String[]> services = new ArrayList<>();
    for (Example example : examples) {
      KubeApiServer.Result apply = kubectl(example.args("apply"));
      assertThat(apply.exitCode()).as("%s: %s", example, apply.stderr()).isZero();
      assertThat(apply.stderr()).as("%s: no warnings", example).isEmpty();
      assertThat(apply.stdout().lines().count()).as("one line per object of %s", example).isEqualTo(example.objects());
      String namespace = apply.stdout().lines().filter(l -> l.startsWith("namespace/")).findFirst()
          .map(l -> l.substring("namespace/".length(), l.indexOf(' '))).orElseThrow();
      for (String line : apply.stdout().lines().toList()) {
        if (line.startsWith("serverlessservice.slipway.dev/")) {
          services.add(new String[] {namespace, line.substring(line.indexOf('/') + 1, line.indexOf(' '))});
        }
      }
    }
    assertThat(services).hasSize(4);

    for (String[] s : services) {
      awaitReady(s[0], s[1], "True");
    }
    // Seed 000's and seed 004's stacks, with what their applications read from the outputs.
    Map<String, String> health = sls("health-dev", "health").getStatus().outputs;
    assertThat(health).containsKeys("network.vpcId", "databases.main.endpoint", "databases.main.port");
    assertThat(health.get("databases.main.secretArn")).startsWith("arn:aws:secretsmanager:ap-northeast-2:");
    // The todo dashboard's API key (issue 10): its value in the Secret the service owns and in AWS, in no status or event.
    ServerlessService todoDev = sls("todo-dev", "todo");
    var keySecret = k8s.secrets().inNamespace("todo-dev").withName("todo-dashboard-apikey").get();
    assertThat(keySecret.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getUid()).isEqualTo(todoDev.getMetadata().getUid()));
    String keyValue = new String(java.util.Base64.getDecoder().decode(keySecret.getData().get("apiKey")), java.nio.charset.StandardCharsets.UTF_8);
    String keyId = todoDev.getStatus().outputs.get("apiKey.dashboard.id");
    assertThat(aws.apigateway.getApiKey(r -> r.apiKey(keyId).includeValue(true)).value()).isEqualTo(keyValue);
    assertThat(aws.apigateway.getUsagePlanKeys(r -> r.usagePlanId(todoDev.getStatus().outputs.get("usagePlan.dashboard.id"))).items())
        .extracting(k -> k.id()).containsExactly(keyId);
    assertThat(k8s.getKubernetesSerialization().asJson(todoDev.getStatus())).doesNotContain(keyValue);
    assertThat(k8s.v1().events().inNamespace("todo-dev").list().getItems()).noneMatch(e -> String.valueOf(e.getMessage()).contains(keyValue));
    // The dev stage's own domain (issue 10): its zone made for it, the API under its name.
    assertThat(todoDev.getStatus().outputs).containsEntry("domain.restApiUrl", "https://api.dev.todo.example.com").containsKey("domain.nameServers");
    Map<String, String> willbook = sls("willbook-dev", "willbook").getStatus().outputs;
    assertThat(willbook).containsKeys("network.vpcId", "databases.main.endpoint", "caches.cache.endpoint", "frontend.url", "restApiUrl")
        .containsEntry("caches.cache.port", "6379").containsEntry("parameter.DB_URL.name", "/willbook-dev/DB_URL");
    Aws seoul = awsIn("ap-northeast-2");
    assertThat(seoul.ssm.getParameter(r -> r.name("/willbook-dev/DB_URL")).parameter().typeAsString()).isEqualTo("SecureString");
    assertThat(seoul.rds.describeDBInstances(r -> r.dbInstanceIdentifier("willbook-dev-main")).dbInstances().get(0).dbInstanceClass()).isEqualTo("db.t3.micro");
    assertThat(seoul.elastiCache.describeReplicationGroups(r -> r.replicationGroupId("willbook-dev-cache")).replicationGroups().get(0).cacheNodeType())
        .isEqualTo("cache.t3.micro");
    assertThat(seoul.lambda.getFunctionConfiguration(r -> r.functionName("willbook-dev-api").qualifier("dev")).memorySize()).isEqualTo(512);
    List<String> databaseSecrets = List.of(health.get("databases.main.secretArn"), willbook.get("databases.main.secretArn"));
    assertThat(secretArns(seoul)).as("the managed master secrets, before deletion").containsAll(databaseSecrets);
    // What the check after deletion looks for is seen while it exists.
    assertThat(awsNamesWithPrefix("ap-northeast-2", "willbook-dev-")).contains("dbinstance willbook-dev-main", "dbsubnetgroup willbook-dev-main",
        "cache willbook-dev-cache", "cachesubnetgroup willbook-dev-caches", "bucket willbook-dev-site-123456789012", "parameter willbook-dev-DB_URL");
    assertThat(awsNamesWithPrefix("ap-northeast-2", "health-dev-")).contains("dbcluster health-dev-main", "dbinstance health-dev-main-writer");

    // Argo CD's view of the same objects: its health scripts run against them as kubectl returns them.
    for (String[] s : services) {
      assertThat(argoCdHealth("serverlessservice", s[0], s[1]).status()).as("Argo CD health of %s/%s", s[0], s[1]).isEqualTo("Healthy");
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(argoCdHealth("canarypolicy", "chat", "ten-percent-thirty-minutes").status()).isEqualTo("Healthy");
      assertThat(argoCdHealth("canarypolicy", "todo-dev", "linear-with-health-check").status()).isEqualTo("Healthy");
      assertThat(argoCdHealth("canarypolicy", "willbook-dev", "canary-10-percent-30-minutes").status()).isEqualTo("Healthy");
    });

    // kubectl get sls prints the columns with real values.
    KubeApiServer.Result get = kubectl("get", "sls", "-n", "chat");
    assertThat(get.exitCode()).as(get.stderr()).isZero();
    List<String> lines = get.stdout().lines().toList();
    assertThat(lines.get(0).split("\\s+")).containsExactly("NAME", "STAGE", "REGION", "READY", "REASON", "AGE");
    assertThat(lines.get(1).split("\\s+")).hasSize(6).startsWith("nexus", "prod", "us-east-1", "True", "Converged");
    KubeApiServer.Result todo = kubectl("get", "serverlessservices", "todo", "-n", "todo-dev", "--no-headers");
    assertThat(todo.stdout().split("\\s+")).startsWith("todo", "dev", "us-east-1", "True", "Converged");

    // Applying the examples again, once the operator has written status and finalizers, changes nothing.
    // The pass after the one that turned Ready writes once more: each resource's message goes from "created" to "in sync".
    for (String[] s : services) {
      awaitQuiet(s[0], s[1]);
    }
    for (Example example : examples) {
      String versions = resourceVersions(example);
      KubeApiServer.Result again = kubectl(example.args("apply"));
      assertThat(again.exitCode()).as(again.stderr()).isZero();
      // A Secret's stringData is write-only, so kubectl always reports it "configured"; it is not changed.
      assertThat(again.stdout().lines().filter(l -> !l.startsWith("secret/")).toList())
          .as("%s applied twice", example)
          .allSatisfy(l -> assertThat(l).endsWith(" unchanged"));
      assertThat(resourceVersions(example)).as("%s applied twice: no object written", example).isEqualTo(versions);
    }

    // Take the stacks down again (both examples say deletionPolicy: Delete): other tests of this JVM
    // use the same AWS names (nexus-prod-*) from other namespaces, and two services claiming one
    // AWS name fight over its tags.
    for (String[] s : services) {
      KubeApiServer.Result delete = kubectl("delete", "sls", s[1], "-n", s[0], "--wait", "--timeout=120s");
      assertThat(delete.exitCode()).as(delete.stderr()).isZero();
    }
    assertThat(awsNamesWithPrefix("nexus-prod-")).as("the nexus stack is gone from AWS").isEmpty();
    assertThat(awsNamesWithPrefix("todo-dev-")).as("the todo stack is gone from AWS").isEmpty();
    assertThat(awsNamesWithPrefix("ap-northeast-2", "health-dev-")).as("the health-check stack, its network and database are gone from AWS").isEmpty();
    assertThat(awsNamesWithPrefix("ap-northeast-2", "willbook-dev-")).as("the willbook stack is gone from AWS").isEmpty();
    // RDS deletes the master-user secret it manages with its database; the final snapshot stays, as deletionPolicy Delete says.
    assertThat(secretArns(seoul)).doesNotContainAnyElementsOf(databaseSecrets);
    assertThat(seoul.rds.describeDBSnapshots(r -> r.snapshotType("manual")).dbSnapshots()).extracting(s -> s.dbSnapshotIdentifier())
        .anySatisfy(id -> assertThat(id).startsWith("willbook-dev-main-final-"));
  }

  private static String resourceVersions(Example example) {
    KubeApiServer.Result r = kubectl(example.args("get", "-o", "jsonpath={range .items[*]}{.kind}/{.metadata.name}={.metadata.resourceVersion} {end}"));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return r.stdout();
  }

  /**
   * What examples/ declares for a cluster: a directory of manifests, or, for an example with
   * kustomize overlays, its dev overlay (each other overlay is checked by {@link
   * #everyOverlayOfAnExampleRendersAndTheApiServerAcceptsIt}).
   */
  private static List<Example> examples() throws Exception {
    List<Example> examples = new ArrayList<>();
    try (Stream<Path> list = Files.list(Path.of("examples"))) {
      for (Path dir : list.filter(Files::isDirectory).sorted().toList()) {
        Path dev = dir.resolve("overlays/dev");
        examples.add(Files.isDirectory(dev) ? new Example("-k", dev) : new Example("-f", dir));
      }
    }
    return examples;
  }

  /** Manifests applied with {@code kubectl <verb> -f dir} or {@code -k overlay}. */
  private record Example(String flag, Path path) {
    String[] args(String verb, String... more) {
      List<String> args = new ArrayList<>(List.of(verb, flag, path.toString()));
      args.addAll(List.of(more));
      return args.toArray(String[]::new);
    }

    long objects() throws Exception {
      if (flag.equals("-f")) {
        try (Stream<Path> files = Files.list(path)) {
          return files.count();
        }
      }
      KubeApiServer.Result rendered = kubectl("kustomize", path.toString());
      assertThat(rendered.exitCode()).as(rendered.stderr()).isZero();
      return rendered.stdout().lines().filter(l -> l.startsWith("kind: ")).count();
    }

    @Override
    public String toString() {
      return path.toString();
    }
  }

  // Issue 10: one service declared for several stages (seed 000 and 003 run dev, test and prod).
  @Test
  void everyOverlayOfAnExampleRendersAndTheApiServerAcceptsIt() throws Exception {
    List<Path> overlays = new ArrayList<>();
    try (Stream<Path> list = Files.list(Path.of("examples"))) {
      for (Path dir : list.filter(d -> Files.isDirectory(d.resolve("overlays"))).toList()) {
        try (Stream<Path> each = Files.list(dir.resolve("overlays"))) {
          overlays.addAll(each.filter(Files::isDirectory).sorted().toList());
        }
      }
    }
    assertThat(overlays).extracting(Path::toString).contains("examples/todo/overlays/dev", "examples/todo/overlays/prod",
        "examples/health-check/overlays/dev", "examples/health-check/overlays/prod",
        "examples/willbook/overlays/dev", "examples/willbook/overlays/staging", "examples/willbook/overlays/prod");
    for (Path overlay : overlays) {
      // A server-side dry run creates nothing, so the objects' namespace must exist for real.
      assertThat(kubectl("apply", "-f", overlay.resolve("namespace.yaml").toString()).exitCode()).isZero();
      KubeApiServer.Result check = kubectl("apply", "-k", overlay.toString(), "--dry-run=server");
      assertThat(check.exitCode()).as("%s: %s", overlay, check.stderr()).isZero();
      assertThat(check.stderr()).as("%s: no warnings", overlay).isEmpty();
    }
    ServerlessService prod = rendered("examples/todo/overlays/prod");
    assertThat(prod.getMetadata().getNamespace()).isEqualTo("todo-prod");
    assertThat(prod.getSpec().stage).isEqualTo("prod");
    assertThat(prod.getSpec().deletionPolicy).isEqualTo(ServerlessServiceSpec.DeletionPolicy.Retain);
    assertThat(prod.getSpec().functionDefaults.memoryMB).isEqualTo(2048);
    assertThat(prod.getSpec().functionDefaults.runtime).as("kept from the base").isNotNull();
    assertThat(prod.getSpec().tags).containsEntry("app", "todo").containsEntry("environment", "prod");
    assertThat(prod.getSpec().functions).hasSize(2);
    // Each stage under its own name: prod in the product's zone, dev in a zone of its own.
    ServerlessServiceSpec todoDevSpec = rendered("examples/todo/overlays/dev").getSpec();
    assertThat(List.of(prod.getSpec().domain.api, prod.getSpec().domain.hostedZone, todoDevSpec.domain.api, todoDevSpec.domain.hostedZone))
        .containsExactly("api.todo.example.com", "todo.example.com", "api.dev.todo.example.com", "dev.todo.example.com");

    // Seed 000: dev's VPC and the cluster at its least, prod's over NAT gateways per zone and scaling further.
    ServerlessServiceSpec healthDev = rendered("examples/health-check/overlays/dev").getSpec();
    ServerlessServiceSpec healthProd = rendered("examples/health-check/overlays/prod").getSpec();
    assertThat(List.of(healthDev.network.cidr, healthDev.network.natGateways.name(), healthProd.network.cidr, healthProd.network.natGateways.name()))
        .containsExactly("10.1.0.0/16", "Single", "10.0.0.0/16", "PerAZ");
    assertThat(List.of(healthDev.databases.get(0).serverless.maxCapacity, healthProd.databases.get(0).serverless.maxCapacity)).containsExactly(1.0, 16.0);
    assertThat(healthProd.databases.get(0).engine.id()).as("kept from the base").isEqualTo("aurora-postgresql");
    assertThat(healthProd.deletionPolicy).isEqualTo(ServerlessServiceSpec.DeletionPolicy.Retain);
    // Seed 004's capacity table, and the alias its rollback moves.
    List<String> capacity = new ArrayList<>();
    for (String stage : List.of("dev", "staging", "prod")) {
      ServerlessServiceSpec willbook = rendered("examples/willbook/overlays/" + stage).getSpec();
      capacity.add(willbook.stage + " " + willbook.databases.get(0).instance.instanceClass + " " + willbook.functionDefaults.memoryMB + " "
          + willbook.caches.get(0).nodeType + " " + willbook.deletionPolicy);
    }
    assertThat(capacity).containsExactly("dev db.t3.micro 512 cache.t3.micro Delete", "staging db.t3.small 1024 cache.t3.micro Delete",
        "production db.t3.large 2048 cache.m6g.large Retain");
  }

  /** The ServerlessService an overlay renders to. */
  private static ServerlessService rendered(String overlay) {
    KubeApiServer.Result rendered = kubectl("kustomize", overlay);
    assertThat(rendered.exitCode()).as(rendered.stderr()).isZero();
    return k8s.getKubernetesSerialization().unmarshal(java.util.Arrays.stream(rendered.stdout().split("\n---\n"))
        .filter(d -> d.contains("\nkind: ServerlessService\n")).findFirst().orElseThrow(), ServerlessService.class);
  }

  // --- printer columns ----------------------------------------------------------------------------

  @Test
  void kubectlGetPrintsEachKindsColumnsInTheDeclaredOrder() {
    String ns = kube.newNamespace("columns");
    for (String file : List.of("canarypolicy.yaml", "lambdarelease.yaml")) {
      KubeApiServer.Result r = kubectl("apply", "-n", ns, "-f", "src/test/resources/valid/" + file);
      assertThat(r.exitCode()).as(r.stderr()).isZero();
    }
    assertThat(header("lambdareleases", ns)).containsExactly("NAME", "FUNCTION", "STABLE", "CANARY", "WEIGHT", "STEP", "PHASE", "AGE");
    assertThat(header("lr", ns)).containsExactly("NAME", "FUNCTION", "STABLE", "CANARY", "WEIGHT", "STEP", "PHASE", "AGE");
    assertThat(header("canarypolicies", ns)).containsExactly("NAME", "PRESET", "STEPS", "VALID", "AGE");
    String sns = kube.newNamespace("columns-sls");
    assertThat(kubectl("apply", "-n", sns, "-f", "src/test/resources/valid/serverlessservice.yaml").exitCode()).isZero();
    assertThat(header("serverlessservices", sns)).containsExactly("NAME", "STAGE", "REGION", "READY", "REASON", "AGE");
    // These objects name code that does not exist: left behind, the operator would keep trying to
    // build them for the rest of the run; deleting them also removes what they created in AWS.
    kubectl("delete", "serverlessservices,lambdareleases,canarypolicies", "--all", "-n", sns, "--wait=false");
    kubectl("delete", "serverlessservices,lambdareleases,canarypolicies", "--all", "-n", ns, "--wait=false");
  }

  private static String[] header(String kind, String ns) {
    KubeApiServer.Result r = kubectl("get", kind, "-n", ns);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    Optional<String> first = r.stdout().lines().findFirst();
    return first.orElseThrow(() -> new AssertionError("kubectl get " + kind + " printed nothing: " + r.stderr())).split("\\s+");
  }

  // --- what the schema cannot express -------------------------------------------------------------

  @Test
  void mistakesTheSchemaCannotExpressEndInAConditionWithAReason() {
    String ns = kube.newNamespace("not-schema");
    // namePrefix (32) + "-" + function name (40) = 73 characters; Lambda allows 64.
    String longPrefix = "a" + "b".repeat(31);
    String tooLongByPrefix =
        service("too-long-prefix", "  namePrefix: " + longPrefix + "\n", "f".repeat(40), "Retain");
    // The default prefix is <metadata.name>-<stage>: a long object name makes a long function name.
    String longName = "n".repeat(60);
    String tooLongByName = service(longName, "", "api", "Retain");

    for (String manifest : List.of(tooLongByPrefix, tooLongByName)) {
      KubeApiServer.Result r = kube.kubectl(manifest, "apply", "-n", ns, "-f", "-");
      assertThat(r.exitCode()).as("the schema accepts it: %s", r.stderr()).isZero();
    }
    for (String name : List.of("too-long-prefix", longName)) {
      Condition ready = awaitReady(ns, name, "False");
      assertThat(ready.getReason()).isEqualTo("InvalidSpec");
      assertThat(ready.getMessage()).contains("longer than 64 characters");
      // kubectl shows it in the list.
      KubeApiServer.Result get = kubectl("get", "sls", name, "-n", ns, "--no-headers");
      assertThat(get.stdout().split("\\s+")).contains("False", "InvalidSpec");
    }
    assertNoHotLoop(ns, "too-long-prefix", longName);
    // Nothing was created for them in AWS.
    assertThat(aws.lambda.listFunctions().functions()).noneMatch(f -> f.functionName().startsWith(longPrefix) || f.functionName().startsWith(longName));
  }

  /** A terminal condition stays put: no status write, no new events, for several resync periods. */
  private static void assertNoHotLoop(String ns, String... names) {
    Map<String, String> versions = new java.util.HashMap<>();
    for (String name : names) {
      versions.put(name, sls(ns, name).getMetadata().getResourceVersion());
    }
    int events = k8s.v1().events().inNamespace(ns).list().getItems().size();
    sleep(Duration.ofSeconds(8)); // the test profile resyncs every 3 s
    for (String name : names) {
      assertThat(sls(ns, name).getMetadata().getResourceVersion()).as("%s: no status writes while nothing changes", name).isEqualTo(versions.get(name));
    }
    assertThat(k8s.v1().events().inNamespace(ns).list().getItems()).as("no new events").hasSize(events);
  }

  // --- server-side apply by two field managers ----------------------------------------------------

  @Test
  void userAndOperatorShareTheObjectByServerSideApplyWithoutFighting() throws Exception {
    String ns = kube.newNamespace("ssa");
    String prefix = "e2e-ssa-" + UUID.randomUUID().toString().substring(0, 6);
    Artifacts.upload(aws.s3, "e2e-artifacts", "api/1.0.0.zip", "e2e-1.0.0");
    Path file = writeManifest(service("shop", "  namePrefix: " + prefix + "\n", "api", "Delete"));

    KubeApiServer.Result first = kubectl("apply", "--server-side", "-n", ns, "-f", file.toString());
    assertThat(first.exitCode()).as(first.stderr()).isZero();
    assertThat(first.stdout()).contains("serverlessservice.slipway.dev/shop serverside-applied");
    awaitReady(ns, "shop", "True");
    awaitQuiet(ns, "shop");
    ServerlessService converged = sls(ns, "shop");

    KubeApiServer.Result again = kubectl("apply", "--server-side", "-n", ns, "-f", file.toString());
    assertThat(again.exitCode()).as("no conflict with the operator's fields: %s", again.stderr()).isZero();
    ServerlessService after = sls(ns, "shop");
    // The API server re-sorts managedFields by time once the user's entry is no longer the newest
    // (kubernetes/kubernetes#88031), which is one write of metadata.managedFields; nothing else changes.
    assertThat(withoutVolatileMetadata(after)).as("a second server-side apply changes nothing").isEqualTo(withoutVolatileMetadata(converged));
    assertThat(after.getMetadata().getGeneration()).as("nobody but the user changed spec").isEqualTo(1L);
    KubeApiServer.Result third = kubectl("apply", "--server-side", "-n", ns, "-f", file.toString());
    assertThat(third.exitCode()).as(third.stderr()).isZero();
    assertThat(sls(ns, "shop").getMetadata().getResourceVersion()).as("from then on a server-side apply is a strict no-op").isEqualTo(after.getMetadata().getResourceVersion());

    assertOperatorOwnsOnlyStatusAndFinalizer(after);
    ManagedFieldsEntry user = after.getMetadata().getManagedFields().stream().filter(m -> USER_SSA_MANAGER.equals(m.getManager())).findFirst().orElseThrow();
    assertThat(user.getOperation()).isEqualTo("Apply");
    assertThat(fields(user)).containsKey("f:spec");
    deleteAndWait(ns, "shop");
  }

  /** The managed-fields entries of kubectl's client-side apply: what it wrote, and when. */
  private static List<ManagedFieldsEntry> userEntries(ServerlessService s) {
    return s.getMetadata().getManagedFields().stream().filter(m -> m.getManager().equals(USER_CSA_MANAGERS)).toList();
  }

  @Test
  void clientSideKubectlApplyTwiceIsANoOp() throws Exception {
    String ns = kube.newNamespace("csa");
    String prefix = "e2e-csa-" + UUID.randomUUID().toString().substring(0, 6);
    Artifacts.upload(aws.s3, "e2e-artifacts", "api/1.0.0.zip", "e2e-1.0.0");
    Path file = writeManifest(service("shop", "  namePrefix: " + prefix + "\n", "api", "Delete"));

    KubeApiServer.Result first = kubectl("apply", "-n", ns, "-f", file.toString());
    assertThat(first.exitCode()).as(first.stderr()).isZero();
    assertThat(first.stdout()).contains("serverlessservice.slipway.dev/shop created");
    awaitReady(ns, "shop", "True");
    awaitQuiet(ns, "shop");
    List<ManagedFieldsEntry> users = userEntries(sls(ns, "shop"));
    assertThat(users).as("kubectl's entries").isNotEmpty();

    KubeApiServer.Result again = kubectl("apply", "-n", ns, "-f", file.toString());
    assertThat(again.exitCode()).as(again.stderr()).isZero();
    assertThat(again.stdout().trim()).isEqualTo("serverlessservice.slipway.dev/shop unchanged");
    ServerlessService after = sls(ns, "shop");
    // Not the resourceVersion: a resync may write status meanwhile. kubectl's own entries must not move.
    assertThat(userEntries(after)).as("kubectl wrote nothing").isEqualTo(users);
    assertThat(after.getMetadata().getGeneration()).isEqualTo(1L);
    assertOperatorOwnsOnlyStatusAndFinalizer(after);
    deleteAndWait(ns, "shop");
  }

  private static void deleteAndWait(String ns, String name) {
    KubeApiServer.Result delete = kubectl("delete", "sls", name, "-n", ns, "--wait", "--timeout=120s");
    assertThat(delete.exitCode()).as(delete.stderr()).isZero();
  }

  /** Every manager but the user's kubectl owns nothing in spec, and in metadata at most the finalizer. */
  @SuppressWarnings("unchecked")
  private static void assertOperatorOwnsOnlyStatusAndFinalizer(ServerlessService s) {
    List<ManagedFieldsEntry> entries = s.getMetadata().getManagedFields();
    List<ManagedFieldsEntry> operator =
        entries.stream().filter(m -> !m.getManager().equals(USER_SSA_MANAGER) && !m.getManager().equals(USER_CSA_MANAGERS)).toList();
    assertThat(operator).as("the operator wrote status: %s", entries).isNotEmpty();
    assertThat(operator).anySatisfy(m -> assertThat(m.getSubresource()).isEqualTo("status"));
    assertThat(operator).anySatisfy(m -> assertThat(fields(m)).containsKey("f:metadata"));
    for (ManagedFieldsEntry m : operator) {
      Map<String, Object> f = fields(m);
      assertThat(f).as("fields of manager %s (%s)", m.getManager(), m.getSubresource()).doesNotContainKey("f:spec");
      assertThat(f.keySet()).as("manager %s", m.getManager()).isSubsetOf("f:status", "f:metadata");
      if (f.containsKey("f:metadata")) {
        assertThat(((Map<String, Object>) f.get("f:metadata")).keySet()).as("manager %s in metadata", m.getManager()).containsExactly("f:finalizers");
        assertThat((Map<String, Object>) ((Map<String, Object>) f.get("f:metadata")).get("f:finalizers"))
            .containsOnlyKeys("v:\"" + Slipway.FINALIZER + "\"");
      }
    }
  }

  private static String withoutVolatileMetadata(ServerlessService s) {
    ServerlessService copy = k8s.getKubernetesSerialization().clone(s);
    copy.getMetadata().setManagedFields(null);
    copy.getMetadata().setResourceVersion(null);
    return k8s.getKubernetesSerialization().asYaml(copy);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> fields(ManagedFieldsEntry m) {
    return (Map<String, Object>) m.getFieldsV1().getAdditionalProperties();
  }

  // --- finalizer ----------------------------------------------------------------------------------

  @Test
  void kubectlDeleteOfADeletePolicyServiceWaitsForTheAwsCleanUp() throws Exception {
    String ns = kube.newNamespace("delete");
    String prefix = "e2e-del-" + UUID.randomUUID().toString().substring(0, 6);
    Artifacts.upload(aws.s3, "e2e-artifacts", "api/1.0.0.zip", "e2e-1.0.0");
    KubeApiServer.Result apply = kube.kubectl(service("doomed", "  namePrefix: " + prefix + "\n", "api", "Delete"), "apply", "-n", ns, "-f", "-");
    assertThat(apply.exitCode()).as(apply.stderr()).isZero();
    awaitReady(ns, "doomed", "True");
    assertThat(sls(ns, "doomed").getMetadata().getFinalizers()).containsExactly(Slipway.FINALIZER);
    assertThat(aws.lambda.getFunction(g -> g.functionName(prefix + "-api")).configuration().functionName()).isEqualTo(prefix + "-api");
    assertThat(aws.dynamo.describeTable(d -> d.tableName(prefix + "-items")).table().tableName()).isEqualTo(prefix + "-items");
    assertThat(awsNamesWithPrefix(prefix)).isNotEmpty();

    KubeApiServer.Result delete = kubectl("delete", "sls", "doomed", "-n", ns, "--wait", "--timeout=120s");
    assertThat(delete.exitCode()).as(delete.stderr()).isZero();
    assertThat(delete.stdout()).contains("serverlessservice.slipway.dev \"doomed\" deleted");

    KubeApiServer.Result gone = kubectl("get", "sls", "doomed", "-n", ns);
    assertThat(gone.exitCode()).isNotZero();
    assertThat(gone.stderr()).contains("NotFound");
    assertThatThrownBy(() -> aws.lambda.getFunction(g -> g.functionName(prefix + "-api")))
        .isInstanceOf(software.amazon.awssdk.services.lambda.model.ResourceNotFoundException.class);
    assertThatThrownBy(() -> aws.dynamo.describeTable(d -> d.tableName(prefix + "-items"))).isInstanceOf(ResourceNotFoundException.class);
    assertThat(awsNamesWithPrefix(prefix)).as("every AWS resource of the service is gone").isEmpty();
  }

  /** Names of the resources of every kind in moto's us-east-1 (functions, tables, roles, APIs, alarms...) that start with {@code prefix}. */
  private static List<String> awsNamesWithPrefix(String prefix) {
    return awsNamesWithPrefix(SlipwayTestEnvironment.AWS_REGION, prefix);
  }

  /** The same in {@code region} (IAM roles and S3 buckets are global), with the databases and caches. */
  private static List<String> awsNamesWithPrefix(String region, String prefix) {
    Aws in = awsIn(region);
    List<String> names = new ArrayList<>();
    in.s3.listBuckets().buckets().forEach(b -> names.add("bucket " + b.name()));
    in.lambda.listFunctionsPaginator().functions().forEach(f -> names.add("function " + f.functionName()));
    in.dynamo.listTablesPaginator().tableNames().forEach(t -> names.add("table " + t));
    in.iam.listRolesPaginator().roles().forEach(r -> names.add("role " + r.roleName()));
    in.apigateway.getRestApis(r -> r.limit(500)).items().forEach(a -> names.add("restapi " + a.name()));
    in.apigatewayV2.getApis(r -> r.maxResults("500")).items().forEach(a -> names.add("websocketapi " + a.name()));
    in.sns.listTopicsPaginator().topics().forEach(t -> names.add("topic " + t.topicArn().substring(t.topicArn().lastIndexOf(':') + 1)));
    // /nexus-prod/key is listed as nexus-prod-key, so one prefix finds every kind.
    in.ssm.describeParametersPaginator().stream().flatMap(page -> page.parameters().stream()).forEach(p -> names.add("parameter " + p.name().substring(1).replaceFirst("/", "-")));
    in.logs.describeLogGroupsPaginator(r -> r.logGroupNamePrefix("/aws/lambda/")).logGroups()
        .forEach(g -> names.add("loggroup " + g.logGroupName().substring("/aws/lambda/".length())));
    in.cognito.listUserPoolsPaginator(r -> r.maxResults(60)).userPools().forEach(p -> names.add("userpool " + p.name()));
    // EC2 resources are known by their Name tag.
    java.util.function.Consumer<List<software.amazon.awssdk.services.ec2.model.Tag>> named = tags -> tags.stream()
        .filter(t -> t.key().equals("Name")).forEach(t -> names.add("ec2 " + t.value()));
    in.ec2.describeVpcs().vpcs().forEach(v -> named.accept(v.tags()));
    in.ec2.describeSubnets().subnets().forEach(v -> named.accept(v.tags()));
    in.ec2.describeInternetGateways().internetGateways().forEach(v -> named.accept(v.tags()));
    in.ec2.describeRouteTables().routeTables().forEach(v -> named.accept(v.tags()));
    in.ec2.describeSecurityGroups().securityGroups().forEach(v -> named.accept(v.tags()));
    in.ec2.describeNatGateways().natGateways().stream().filter(n -> !"deleted".equals(n.stateAsString())).forEach(v -> named.accept(v.tags()));
    in.ec2.describeAddresses().addresses().forEach(v -> named.accept(v.tags()));
    in.ec2.describeVpcEndpoints().vpcEndpoints().stream().filter(e -> !"deleted".equalsIgnoreCase(e.stateAsString())).forEach(v -> named.accept(v.tags()));
    in.cloudWatch.describeAlarmsPaginator().metricAlarms().forEach(a -> names.add("alarm " + a.alarmName()));
    // A service's dashboard is named after the prefix itself, without the dash.
    in.cloudWatch.listDashboardsPaginator().dashboardEntries().forEach(d -> names.add("dashboard " + d.dashboardName() + "-"));
    in.rds.describeDBClustersPaginator().dbClusters().forEach(c -> names.add("dbcluster " + c.dbClusterIdentifier()));
    in.rds.describeDBInstancesPaginator().dbInstances().forEach(i -> names.add("dbinstance " + i.dbInstanceIdentifier()));
    in.rds.describeDBSubnetGroupsPaginator().dbSubnetGroups().forEach(g -> names.add("dbsubnetgroup " + g.dbSubnetGroupName()));
    // moto keeps a deleted replication group ("deleting") and cache subnet group listed for ever; asked by
    // name, ElastiCacheDouble answers NotFound for them, as ElastiCache does once a deletion is done.
    in.elastiCache.describeReplicationGroupsPaginator().replicationGroups().stream().map(g -> g.replicationGroupId())
        .filter(id -> id.startsWith(prefix) && exists(() -> in.elastiCache.describeReplicationGroups(r -> r.replicationGroupId(id))))
        .forEach(id -> names.add("cache " + id));
    in.elastiCache.describeCacheSubnetGroupsPaginator().cacheSubnetGroups().stream().map(g -> g.cacheSubnetGroupName())
        .filter(n -> n.startsWith(prefix) && exists(() -> in.elastiCache.describeCacheSubnetGroups(r -> r.cacheSubnetGroupName(n))))
        .forEach(n -> names.add("cachesubnetgroup " + n));
    return names.stream().filter(n -> n.substring(n.indexOf(' ') + 1).startsWith(prefix)).toList();
  }

  private static List<String> secretArns(Aws in) {
    return in.secrets.listSecretsPaginator().stream().flatMap(page -> page.secretList().stream()).map(s -> s.arn()).toList();
  }

  private static boolean exists(Runnable describe) {
    try {
      describe.run();
      return true;
    } catch (ReplicationGroupNotFoundException | CacheSubnetGroupNotFoundException e) {
      return false;
    }
  }

  // --- helpers ------------------------------------------------------------------------------------

  /** A small service: a table, one function using it, a REST route. {@code extraSpec} goes right after region. */
  private static String service(String name, String extraSpec, String function, String deletionPolicy) {
    return """
        apiVersion: slipway.dev/v1alpha1
        kind: ServerlessService
        metadata:
          name: %s
        spec:
          stage: dev
          region: us-east-1
        %s  deletionPolicy: %s
          tables:
            - name: items
              partitionKey: { name: id, type: S }
          functions:
            - name: %s
              runtime: python3.12
              handler: handler.handler
              code:
                s3: { bucket: e2e-artifacts, key: api/1.0.0.zip }
              tables:
                - { name: items, access: ReadWrite }
          restApi:
            routes:
              - { path: /items, methods: [GET], function: %s }
        """
        .formatted(name, extraSpec, deletionPolicy, function, function);
  }

  private static Path writeManifest(String manifest) throws Exception {
    Path file = Files.createTempFile("slipway-e2e-", ".yaml");
    Files.writeString(file, manifest);
    file.toFile().deleteOnExit();
    return file;
  }

  private static KubeApiServer.Result kubectl(String... args) {
    return kube.kubectl(null, args);
  }

  private static ServerlessService sls(String ns, String name) {
    return k8s.resources(ServerlessService.class).inNamespace(ns).withName(name).get();
  }

  private static Condition awaitReady(String ns, String name, String status) {
    Condition[] found = new Condition[1];
    await()
        .atMost(CONVERGE)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              ServerlessService s = sls(ns, name);
              assertThat(s).as("%s/%s exists", ns, name).isNotNull();
              assertThat(s.getStatus()).as("%s/%s has status", ns, name).isNotNull();
              Condition ready = s.getStatus().conditions.stream().filter(c -> c.getType().equals("Ready")).findFirst().orElse(null);
              assertThat(ready).as("%s/%s Ready condition", ns, name).isNotNull();
              assertThat(ready.getStatus()).as("%s/%s Ready: %s %s", ns, name, ready.getReason(), ready.getMessage()).isEqualTo(status);
              assertThat(s.getStatus().observedGeneration).isEqualTo(s.getMetadata().getGeneration());
              found[0] = ready;
            });
    return found[0];
  }

  /** Waits until the object has not changed for a few resync periods (the converged steady state). */
  private static void awaitQuiet(String ns, String name) {
    String[] last = {sls(ns, name).getMetadata().getResourceVersion()};
    long[] since = {System.nanoTime()};
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              String now = sls(ns, name).getMetadata().getResourceVersion();
              if (!now.equals(last[0])) {
                last[0] = now;
                since[0] = System.nanoTime();
              }
              return Duration.ofNanos(System.nanoTime() - since[0]).compareTo(Duration.ofSeconds(7)) >= 0;
            });
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
