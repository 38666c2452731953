package dev.slipway.bench;

import dev.slipway.api.v1alpha1.CanaryPolicy;
import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.api.v1alpha1.CodeSource;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseSpec;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.aws.AwsCallRecorder;
import dev.slipway.aws.AwsClientFactory;
import dev.slipway.aws.AwsClients;
import dev.slipway.aws.AwsTarget;
import dev.slipway.bench.LambdaCallProxy.KillPoint;
import dev.slipway.canary.AliasState;
import dev.slipway.testing.Artifacts;
import dev.slipway.testing.KubeApiServer;
import dev.slipway.testing.MotoServer;
import dev.slipway.testing.Tenancies;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException;

/**
 * Chaos as a user would see it: the packaged operator, in its own JVM against the real API server
 * and moto (through {@link LambdaCallProxy}), ships many releases (healthy and failing; canary,
 * linear and all-at-once) while the harness {@code kill -9}s it at random moments and right at the
 * dangerous calls, restarting it each time. Then two replicas with leader election: the leader is
 * killed mid-canary and the standby must finish the release. Every release is checked against the
 * proxy's log of alias calls: no weight its status never announced, no step repeated or skipped,
 * the phase its metrics call for, the alias on the right version with no weights.
 *
 * <p>Options ({@code --key=value}): releases (50), concurrency (8), failovers (3), seed (1),
 * jar (../target/quarkus-app/quarkus-run.jar), out (target/chaos-results.md).
 */
public final class ChaosBench {

  private static final String REGION = "us-east-1";
  private static final String BUCKET = "slipway-chaos";
  private static final String ALIAS = "live";
  private static final String STABLE = "1";
  private static final Duration RELEASE_DEADLINE = Duration.ofMinutes(6);

  /** The three shapes of policy a user picks from. */
  enum Shape {
    CANARY(List.of(10)),
    LINEAR(List.of(25, 50, 75)),
    ALL_AT_ONCE(List.of());

    final List<Integer> weights;

    Shape(List<Integer> weights) {
      this.weights = weights;
    }

    String policy() {
      return name().toLowerCase().replace('_', '-');
    }
  }

  /** One release of the run; {@code failAtStep} 0 for a healthy one. */
  static final class Planned {
    final String name;
    final String function;
    final Shape shape;
    final int failAtStep;
    final List<LambdaReleaseStatus> seen = new CopyOnWriteArrayList<>();
    volatile LambdaReleaseStatus last;
    volatile Instant created;

    Planned(String name, Shape shape, int failAtStep) {
      this.name = name;
      this.function = "chaos-" + name;
      this.shape = shape;
      this.failAtStep = failAtStep;
    }

    boolean finished() {
      LambdaReleaseStatus s = last;
      return s != null && s.phase != null && s.phase != ReleasePhase.Pending && s.phase != ReleasePhase.Progressing
          && s.phase != ReleasePhase.Paused && s.phase != ReleasePhase.AwaitingApproval;
    }

    ReleasePhase expectedPhase() {
      return failAtStep > 0 ? ReleasePhase.RolledBack : ReleasePhase.Succeeded;
    }
  }

  private final Map<String, String> options;
  private final Random random;
  private final KubeApiServer kube = KubeApiServer.shared();
  private final KubernetesClient client = kube.client();
  private final AwsClientFactory factory = new AwsClientFactory(
      Optional.of(MotoServer.shared().endpoint()),
      new AwsCallRecorder(new SimpleMeterRegistry()),
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
  private final AwsClients aws = factory.forTarget(AwsTarget.of(REGION, null));
  private final LambdaCallProxy proxy;
  private final Path jar;
  private final Path logs = Path.of("target/chaos-logs");
  private final String leaseNamespace;
  private final Map<String, Planned> byName = new ConcurrentHashMap<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final Map<KillPoint, Integer> kills = new EnumMap<>(KillPoint.class);
  private final ScheduledExecutorService background = Executors.newScheduledThreadPool(3, r -> {
    Thread t = new Thread(r, "chaos");
    t.setDaemon(true);
    return t;
  });
  private int launches;

  private ChaosBench(Map<String, String> options) throws Exception {
    this.options = options;
    this.random = new Random(Long.parseLong(options.getOrDefault("seed", "1")));
    this.jar = Path.of(options.getOrDefault("jar", "../target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run `mvn -B package -DskipTests` first");
    }
    this.proxy = new LambdaCallProxy(MotoServer.shared().endpoint());
    this.leaseNamespace = kube.newNamespace("chaos-lease");
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (String a : args) {
      String[] kv = a.replaceFirst("^--", "").split("=", 2);
      options.put(kv[0], kv.length > 1 ? kv[1] : "true");
    }
    ChaosBench bench = new ChaosBench(options);
    try {
      String report = bench.run();
      System.out.println(report);
      Path out = Path.of(options.getOrDefault("out", "target/chaos-results.md"));
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.writeString(out, report);
      System.exit(bench.violations.isEmpty() ? 0 : 1);
    } finally {
      bench.proxy.close();
    }
  }

  private String run() throws Exception {
    String ns = kube.newNamespace("chaos");
    Tenancies.grant(client, ns, t -> {
      t.functionNames = List.of("chaos-*");
      t.regions = List.of(REGION);
    });
    for (Shape shape : Shape.values()) {
      client.resource(policy(ns, shape)).create();
    }
    client.resources(LambdaRelease.class).inNamespace(ns).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(LambdaRelease r) {
        observe(r);
      }

      @Override
      public void onUpdate(LambdaRelease before, LambdaRelease r) {
        observe(r);
      }

      @Override
      public void onDelete(LambdaRelease r, boolean unknown) {}
    });
    background.scheduleWithFixedDelay(this::pumpMetrics, 0, 2, TimeUnit.SECONDS);

    Instant start = Instant.now();
    List<Planned> plan = plan(Integer.parseInt(options.getOrDefault("releases", "50")));
    chaos(ns, plan);
    Duration chaosTime = Duration.between(start, Instant.now());
    plan.forEach(this::verify);
    int chaosViolations = violations.size();

    List<Duration> takeovers = new ArrayList<>();
    for (int i = 0; i < Integer.parseInt(options.getOrDefault("failovers", "3")); i++) {
      takeovers.add(failover(ns, i));
    }
    background.shutdownNow();
    return report(plan, chaosTime, chaosViolations, takeovers);
  }

  // --- part 1: one operator, killed again and again

  private List<Planned> plan(int count) {
    List<Planned> plan = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Shape shape = Shape.values()[i % 3];
      // Two in five of the canary and linear releases fail, the linear ones at a random step.
      int failAtStep = shape != Shape.ALL_AT_ONCE && i % 5 < 2 ? 1 + random.nextInt(shape.weights.size()) : 0;
      plan.add(new Planned(String.format("r%02d-%s", i, shape.policy()), shape, failAtStep));
    }
    return plan;
  }

  private void chaos(String ns, List<Planned> plan) throws Exception {
    int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "8"));
    // A new release every few seconds, at most `concurrency` at once, so every kill point keeps coming by.
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    var feeder = background.scheduleWithFixedDelay(() -> {
      long active = plan.stream().filter(p -> p.created != null && !p.finished()).count();
      if (next.get() < plan.size() && active < concurrency) {
        try {
          create(ns, plan.get(next.get()));
        } catch (RuntimeException e) {
          violations.add(plan.get(next.get()).name + ": the harness could not create it: " + e);
        }
        next.incrementAndGet();
      }
    }, 0, 3, TimeUnit.SECONDS);
    OperatorProcess operator = launch();
    Instant deadline = Instant.now().plus(Duration.ofMinutes(20));
    while (Instant.now().isBefore(deadline) && !(next.get() == plan.size() && plan.stream().allMatch(p -> p.finished() || overdue(p)))) {
      if (operator.alive()) {
        operator = aimAKill(operator);
      } else {
        operator = launch();
      }
    }
    feeder.cancel(false);
    proxy.disarm();
    operator.kill9();
  }

  private boolean overdue(Planned p) {
    return p.created != null && Instant.now().isAfter(p.created.plus(RELEASE_DEADLINE));
  }

  /** Leading, the operator lives a few seconds, then is killed at an aimed point (or at random when none came by). */
  private OperatorProcess aimAKill(OperatorProcess operator) throws InterruptedException {
    if (!operator.awaitLeading(client, leaseNamespace, Duration.ofSeconds(90))) {
      operator.kill9();
      return operator;
    }
    Thread.sleep(2000 + random.nextInt(6000));
    KillPoint point = KillPoint.values()[random.nextInt(KillPoint.values().length)];
    List<KillPoint> fired = new CopyOnWriteArrayList<>();
    if (point != KillPoint.RANDOM) {
      proxy.arm(point, p -> {
        operator.kill9();
        fired.add(p);
      });
      Instant wait = Instant.now().plusSeconds(20);
      while (fired.isEmpty() && Instant.now().isBefore(wait) && operator.alive()) {
        Thread.sleep(50);
      }
      proxy.disarm();
    }
    if (fired.isEmpty() && operator.alive()) {
      Thread.sleep(random.nextInt(3000));
      operator.kill9();
      fired.add(KillPoint.RANDOM);
    }
    synchronized (kills) {
      fired.forEach(p -> kills.merge(p, 1, Integer::sum));
    }
    return operator;
  }

  private OperatorProcess launch() throws Exception {
    return OperatorProcess.start(jar, "chaos-" + (++launches), kube.kubeconfig(), proxy.endpoint(), leaseNamespace, logs);
  }

  private void create(String ns, Planned p) {
    byName.put(p.name, p);
    Artifacts.upload(aws.s3(), BUCKET, p.function + "/v1.zip", "v1-" + p.name);
    aws.lambda().createFunction(r -> r.functionName(p.function).runtime("python3.12").role(role()).handler("handler.handler")
        .code(c -> c.s3Bucket(BUCKET).s3Key(p.function + "/v1.zip")));
    aws.lambda().publishVersion(r -> r.functionName(p.function));
    aws.lambda().createAlias(r -> r.functionName(p.function).name(ALIAS).functionVersion(STABLE));
    Artifacts.upload(aws.s3(), BUCKET, p.function + "/v2.zip", "v2-" + p.name);
    LambdaRelease r = new LambdaRelease();
    r.setMetadata(new ObjectMetaBuilder().withName(p.name).withNamespace(ns).build());
    LambdaReleaseSpec spec = new LambdaReleaseSpec();
    spec.functionName = p.function;
    spec.alias = ALIAS;
    spec.region = REGION;
    spec.code = CodeSource.s3(BUCKET, p.function + "/v2.zip");
    spec.policy = p.shape.policy();
    r.setSpec(spec);
    p.created = Instant.now();
    client.resource(r).create();
  }

  private String role() {
    String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
    try {
      return aws.iam().createRole(r -> r.roleName("slipway-chaos").assumeRolePolicyDocument(trust)).role().arn();
    } catch (EntityAlreadyExistsException e) {
      return aws.iam().getRole(r -> r.roleName("slipway-chaos")).role().arn();
    }
  }

  /** Steps of the pauses with an error-rate check every 10 s (the CRD's shortest interval) that fails at once. */
  private static CanaryPolicy policy(String ns, Shape shape) {
    CanaryPolicy p = new CanaryPolicy();
    p.setMetadata(new ObjectMetaBuilder().withName(shape.policy()).withNamespace(ns).build());
    CanaryPolicySpec spec = new CanaryPolicySpec();
    if (shape == Shape.ALL_AT_ONCE) {
      spec.preset = CanaryPolicySpec.Preset.AllAtOnce;
    } else {
      shape.weights.forEach(w -> spec.steps.add(new CanaryPolicySpec.Step(w, "20s")));
      spec.analysis = new CanaryPolicySpec.Analysis();
      spec.analysis.interval = "10s";
      spec.analysis.failureLimit = 1;
      CanaryPolicySpec.Metric m = new CanaryPolicySpec.Metric();
      m.name = "error-rate";
      m.lambdaErrorRate = new CanaryPolicySpec.RateThreshold();
      m.lambdaErrorRate.max = 0.05;
      spec.analysis.metrics.add(m);
    }
    p.setSpec(spec);
    return p;
  }

  private void observe(LambdaRelease r) {
    Planned p = byName.get(r.getMetadata().getName());
    if (p != null && r.getStatus() != null) {
      p.last = r.getStatus();
      p.seen.add(r.getStatus());
    }
  }

  /** What Lambda would publish for the traffic of each running canary: errors once a failing release reaches its step. */
  private void pumpMetrics() {
    for (Planned p : byName.values()) {
      LambdaReleaseStatus s = p.last;
      if (s == null || s.canaryVersion == null || p.finished()) {
        continue;
      }
      boolean failing = p.failAtStep > 0 && s.step != null && s.step >= p.failAtStep;
      List<Dimension> dims = List.of(
          Dimension.builder().name("FunctionName").value(p.function).build(),
          Dimension.builder().name("Resource").value(p.function + ":" + ALIAS).build(),
          Dimension.builder().name("ExecutedVersion").value(s.canaryVersion).build());
      try {
        aws.cloudWatch().putMetricData(d -> d.namespace("AWS/Lambda").metricData(
            MetricDatum.builder().metricName("Invocations").dimensions(dims).value(100.0).timestamp(Instant.now()).build(),
            MetricDatum.builder().metricName("Errors").dimensions(dims).value(failing ? 50.0 : 0.0).timestamp(Instant.now()).build()));
      } catch (RuntimeException busy) {
        // the next round publishes again
      }
    }
  }

  // --- the checks

  private void verify(Planned p) {
    LambdaReleaseStatus s = p.last;
    if (s == null || !p.finished()) {
      violations.add(p.name + ": not finished after " + RELEASE_DEADLINE + " (status " + describe(s) + ")");
      return;
    }
    if (s.phase != p.expectedPhase()) {
      violations.add(p.name + ": ended " + s.phase + " (" + s.reason + "), its metrics call for " + p.expectedPhase());
    }
    String expectedVersion = s.phase == ReleasePhase.Succeeded ? s.canaryVersion : STABLE;
    AliasState alias = aliasNow(p.function);
    if (!alias.equals(AliasState.single(expectedVersion))) {
      violations.add(p.name + ": alias ends on " + alias + ", not on " + expectedVersion + " alone");
    }
    List<AliasState> writes = aliasWrites(p.function);
    List<Integer> announced = p.seen.stream().map(x -> x.weight).filter(w -> w != null && w > 0).distinct().toList();
    for (AliasState w : writes) {
      if (w.weight() > 0 && !announced.contains(w.weight())) {
        violations.add(p.name + ": alias got " + w + ", a weight its status never announced (announced " + announced + ")");
      }
    }
    List<AliasState> expected = new ArrayList<>();
    int reached = s.phase == ReleasePhase.RolledBack ? (int) writes.stream().filter(w -> w.weight() > 0).count() : p.shape.weights.size();
    for (int i = 0; i < Math.min(reached, p.shape.weights.size()); i++) {
      expected.add(AliasState.weighted(STABLE, s.canaryVersion, p.shape.weights.get(i)));
    }
    if (reached > 0 || s.phase == ReleasePhase.Succeeded) {
      expected.add(AliasState.single(expectedVersion)); // a rollback before any shift leaves the alias alone
    }
    if (!writes.equals(expected)) {
      violations.add(p.name + ": alias calls " + writes + ", expected " + expected + " (a step repeated, skipped or out of order)");
    }
  }

  /** The alias routings moto performed for a function, a call repeated with the same routing counted once (an idempotent retry). */
  private List<AliasState> aliasWrites(String function) {
    List<AliasState> out = new ArrayList<>();
    for (LambdaCallProxy.Call c : proxy.calls()) {
      if (c.alias() != null && c.performed() && c.function().equals(function)
          && (out.isEmpty() ? !c.alias().equals(AliasState.single(STABLE)) : !out.get(out.size() - 1).equals(c.alias()))) {
        out.add(c.alias());
      }
    }
    return out;
  }

  private AliasState aliasNow(String function) {
    var a = aws.lambda().getAlias(r -> r.functionName(function).name(ALIAS));
    Map<String, Double> w = a.routingConfig() == null ? Map.of() : a.routingConfig().additionalVersionWeights();
    return w.isEmpty() ? AliasState.single(a.functionVersion())
        : w.entrySet().stream().findFirst().map(e -> AliasState.weighted(a.functionVersion(), e.getKey(), (int) Math.round(e.getValue() * 100))).orElseThrow();
  }

  private static String describe(LambdaReleaseStatus s) {
    return s == null ? "none" : s.phase + " step " + s.step + " weight " + s.weight + " alias " + s.observedAlias + " " + s.reason;
  }

  // --- part 2: two replicas, the leader killed mid-canary

  private Duration failover(String ns, int round) throws Exception {
    OperatorProcess a = launch();
    OperatorProcess b = launch();
    Instant deadline = Instant.now().plusSeconds(90);
    while (!a.leads(client, leaseNamespace) && !b.leads(client, leaseNamespace) && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }
    Planned p = new Planned(String.format("failover%d-linear", round), Shape.LINEAR, 0);
    create(ns, p);
    int killAtStep = 1 + round % Shape.LINEAR.weights.size();
    while (!(p.last != null && p.last.step != null && p.last.step >= killAtStep) && !overdue(p)) {
      Thread.sleep(100);
    }
    OperatorProcess leader = a.leads(client, leaseNamespace) ? a : b;
    OperatorProcess standby = leader == a ? b : a;
    leader.kill9();
    Instant killed = Instant.now();
    standby.awaitLeading(client, leaseNamespace, Duration.ofSeconds(60));
    Duration takeover = Duration.between(killed, Instant.now());
    while (!p.finished() && !overdue(p)) {
      Thread.sleep(200);
    }
    verify(p);
    standby.kill9();
    return takeover;
  }

  private String report(List<Planned> plan, Duration chaosTime, int chaosViolations, List<Duration> takeovers) {
    StringBuilder r = new StringBuilder("## Chaos run (seed " + options.getOrDefault("seed", "1") + ")\n\n");
    Map<String, Long> outcomes = new LinkedHashMap<>();
    for (Planned p : plan) {
      outcomes.merge(p.shape.policy() + (p.failAtStep > 0 ? " failing" : " healthy") + " → " + (p.last == null ? "none" : p.last.phase), 1L, Long::sum);
    }
    int totalKills = kills.values().stream().mapToInt(Integer::intValue).sum();
    r.append("| what | count |\n|---|---:|\n");
    r.append("| releases | ").append(plan.size()).append(" |\n");
    outcomes.forEach((k, v) -> r.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    r.append("| operator launches | ").append(launches).append(" |\n");
    r.append("| kill -9 | ").append(totalKills).append(" |\n");
    kills.forEach((k, v) -> r.append("| kill at ").append(k).append(" | ").append(v).append(" |\n"));
    r.append("| alias calls performed (Create/UpdateAlias) | ").append(proxy.calls().stream().filter(c -> c.alias() != null && c.performed()).count()).append(" |\n");
    r.append("| violations, one operator | ").append(chaosViolations).append(" |\n");
    r.append("| chaos run length | ").append(chaosTime.toSeconds()).append(" s |\n");
    r.append("| failovers (leader killed mid-canary) | ").append(takeovers.size()).append(" |\n");
    r.append("| takeover times (kill → standby holds the lease) | ")
        .append(String.join(", ", takeovers.stream().map(d -> String.format("%.1f s", d.toMillis() / 1000.0)).toList())).append(" |\n");
    r.append("| violations, two replicas | ").append(violations.size() - chaosViolations).append(" |\n\n");
    if (!violations.isEmpty()) {
      r.append("Violations:\n\n");
      violations.forEach(v -> r.append("- ").append(v).append('\n'));
    }
    return r.toString();
  }
}
