package dev.slipway.bench;

import dev.slipway.api.v1alpha1.FunctionDefaults;
import dev.slipway.api.v1alpha1.FunctionStatus;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.Adoption;
import dev.slipway.aws.AwsCallRecorder;
import dev.slipway.aws.AwsCallRecorder.Call;
import dev.slipway.aws.AwsClientFactory;
import dev.slipway.aws.AwsClients;
import dev.slipway.aws.AwsTarget;
import dev.slipway.aws.EventSink;
import dev.slipway.aws.ResourceLoop;
import dev.slipway.aws.ResourceLoop.Action;
import dev.slipway.aws.SecretValues;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.kinds.LambdaFunctionKind;
import dev.slipway.aws.kinds.StackKinds;
import dev.slipway.testing.MotoServer;
import dev.slipway.testing.StackCopies;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Steady-state resync cost of the nexus stack against moto. For each N, N copies of
 * examples/nexus/20-serverlessservice.yaml (distinct service names) are converged once, then resynced
 * with no change while the AWS calls are counted and the rounds timed.
 *
 * <p>It drives what the reconciler drives: a fresh {@link StackContext} per reconcile built from the
 * previous reconcile's status (resources and function entries), {@link StackKinds#plan} through one
 * shared {@link ResourceLoop} whose pool has the operator's default parallelism (4), and the N
 * services reconciled concurrently, as JOSDK's reconciler threads (50 by default) would. Kubernetes
 * calls (status patch, outputs ConfigMap) are not part of it.
 *
 * <p>No time is asserted; the run only refuses to report when a no-change resync mutates anything or
 * fails, because then the figures would not describe a steady state.
 */
public final class ResyncBench {

  private static final String NAMESPACE = "chat";
  private static final int RECONCILER_THREADS = 50; // JOSDK 5 default

  record Options(List<Integer> sizes, int warmup, int iterations, int parallelism, int fleet, Duration resync, Path spec, Path out) {
    static Options parse(String[] args) {
      Map<String, String> a = new LinkedHashMap<>();
      for (String arg : args) {
        String[] kv = arg.replaceFirst("^--", "").split("=", 2);
        a.put(kv[0], kv.length > 1 ? kv[1] : "true");
      }
      return new Options(
          Arrays.stream(a.getOrDefault("sizes", "1,5,20").split(",")).map(String::trim).map(Integer::parseInt).toList(),
          Integer.parseInt(a.getOrDefault("warmup", "3")),
          Integer.parseInt(a.getOrDefault("iterations", "10")),
          Integer.parseInt(a.getOrDefault("parallelism", "4")),
          Integer.parseInt(a.getOrDefault("fleet", "500")),
          Duration.parse("PT" + a.getOrDefault("resync", "10m").toUpperCase()),
          Path.of(a.getOrDefault("spec", "../examples/nexus/20-serverlessservice.yaml")),
          Path.of(a.getOrDefault("out", "target/resync-results.md")));
    }
  }

  /** One ServerlessService as the reconciler sees it between reconciles: spec and last status. */
  static final class Service {
    final String name;
    final ServerlessServiceSpec spec;
    List<ManagedResource> resources = List.of();
    List<FunctionStatus> functions = List.of();

    Service(String name, ServerlessServiceSpec spec) {
      this.name = name;
      this.spec = spec;
    }

    /** One reconcile's AWS part: returns its outcomes and how long it took. */
    Reconciled reconcile(AwsClients aws, ResourceLoop loop) {
      long t0 = System.nanoTime();
      // The Secrets the spec's parameters name, as the reconciler's Secret watch would serve them.
      StackContext ctx = new StackContext(aws, NAMESPACE, name, FunctionDefaults.resolve(spec), resources, functions,
          SecretValues.readOnly(ref -> Optional.of("bench-value-of-" + ref.key)),
          Adoption.NONE, Optional.empty());
      ResourceLoop.Result result = loop.converge(ctx, StackKinds.plan(ctx), EventSink.NONE);
      long nanos = System.nanoTime() - t0;
      resources = result.resources();
      functions = List.copyOf(result.facts(LambdaFunctionKind.KIND, FunctionStatus.class).values());
      return new Reconciled(this, result, nanos);
    }
  }

  record Reconciled(Service service, ResourceLoop.Result result, long nanos) {}

  /** One round: every service reconciled once, concurrently. */
  record Round(long nanos, List<Reconciled> services, List<Call> calls, Map<String, Double> meanMillis) {}

  /** The figures of one N. */
  record SizeResult(int n, Round first, List<Round> resyncs) {}

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    String yaml = Files.readString(o.spec());
    List<SizeResult> results = new ArrayList<>();
    MotoServer moto = MotoServer.shared();
    for (int n : o.sizes()) {
      results.add(runSize(moto, yaml, n, o));
    }
    String report = report(results, o);
    System.out.println(report);
    Files.createDirectories(o.out().toAbsolutePath().getParent());
    Files.writeString(o.out(), report);
    System.out.println("(written to " + o.out() + ")");
  }

  private static SizeResult runSize(MotoServer moto, String yaml, int n, Options o) throws Exception {
    moto.reset();
    AwsCallRecorder recorder = new AwsCallRecorder(new SimpleMeterRegistry(), AwsCallRecorder.TEST_LOG_SIZE);
    ExecutorService awsPool = Executors.newFixedThreadPool(o.parallelism(), daemon("slipway-aws"));
    ExecutorService reconcilers = Executors.newFixedThreadPool(Math.min(n, RECONCILER_THREADS), daemon("reconciler"));
    try (AwsClientFactory factory = new AwsClientFactory(
        Optional.of(moto.endpoint()), recorder, StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))) {
      List<Service> services = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        String name = String.format("nexus%02d", i);
        services.add(new Service(name, StackCopies.copy(yaml, name).getSpec()));
      }
      AwsClients aws = factory.forTarget(AwsTarget.of(services.get(0).spec.region, null));
      uploadArtifacts(factory.forTarget(AwsTarget.of(services.get(0).spec.region, null)), services.get(0).spec);
      ResourceLoop loop = new ResourceLoop(awsPool);

      System.err.printf("N=%d: first converge%n", n);
      Round first = round(services, aws, loop, reconcilers, recorder);
      requireNoFailure(first, "first converge");
      for (int i = 0; i < o.warmup(); i++) {
        System.err.printf("N=%d: warm-up %d/%d%n", n, i + 1, o.warmup());
        requireSteady(round(services, aws, loop, reconcilers, recorder));
      }
      List<Round> resyncs = new ArrayList<>();
      for (int i = 0; i < o.iterations(); i++) {
        Round r = round(services, aws, loop, reconcilers, recorder);
        requireSteady(r);
        resyncs.add(r);
        System.err.printf("N=%d: resync %d/%d %.0f ms%n", n, i + 1, o.iterations(), r.nanos() / 1e6);
      }
      return new SizeResult(n, first, resyncs);
    } finally {
      awsPool.shutdownNow();
      reconcilers.shutdownNow();
    }
  }

  private static Round round(List<Service> services, AwsClients aws, ResourceLoop loop, ExecutorService reconcilers, AwsCallRecorder recorder) {
    recorder.clear();
    CallTimer.clear();
    long t0 = System.nanoTime();
    List<CompletableFuture<Reconciled>> running =
        services.stream().map(s -> CompletableFuture.supplyAsync(() -> s.reconcile(aws, loop), reconcilers)).toList();
    List<Reconciled> done = running.stream().map(CompletableFuture::join).toList();
    long nanos = System.nanoTime() - t0;
    return new Round(nanos, done, recorder.calls(), CallTimer.meanMillis());
  }

  private static void requireNoFailure(Round r, String what) {
    for (Reconciled s : r.services()) {
      s.result().firstFailure().ifPresent(f -> {
        throw new IllegalStateException(what + " of " + s.service().name + " failed at " + f.resource().kind + " " + f.resource().physicalName + ": " + f.resource().message, f.error());
      });
    }
  }

  /** A no-change resync must change nothing; otherwise the numbers are not steady-state numbers. */
  private static void requireSteady(Round r) {
    requireNoFailure(r, "resync");
    List<String> changed = r.services().stream()
        .flatMap(s -> s.result().outcomes().stream().filter(x -> x.action() != Action.Unchanged)
            .map(x -> s.service().name + " " + x.resource().kind + "/" + x.resource().name + " " + x.action() + " " + x.delta().describe()))
        .toList();
    List<String> mutating = r.calls().stream().filter(Call::mutating).map(c -> c.service() + " " + c.operation()).toList();
    if (!changed.isEmpty() || !mutating.isEmpty()) {
      throw new IllegalStateException("a no-change resync was not a no-op: outcomes " + changed + ", mutating calls " + mutating);
    }
  }

  /** The code every function of the spec names and the frontend's site, as real zips in moto's S3. */
  static void uploadArtifacts(AwsClients aws, ServerlessServiceSpec spec) {
    spec.functions.stream().map(f -> f.code.s3).distinct().forEach(s3 -> put(aws, s3.bucket, s3.key));
    if (spec.frontend != null && spec.frontend.source != null) {
      put(aws, spec.frontend.source.bucket, spec.frontend.source.key);
    }
  }

  private static void put(AwsClients aws, String bucket, String key) {
    try {
      aws.s3().createBucket(b -> b.bucket(bucket));
    } catch (software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException there) {
      // one bucket for all artifacts
    }
    aws.s3().putObject(p -> p.bucket(bucket).key(key), RequestBody.fromBytes(zip()));
  }

  private static byte[] zip() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      ZipEntry e = new ZipEntry("handler.py");
      e.setTime(0);
      zip.putNextEntry(e);
      zip.write("def handler(event, context):\n    return {\"statusCode\": 200, \"body\": \"ok\"}\n".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  // ---------------------------------------------------------------- report

  static String report(List<SizeResult> results, Options o) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    int resources = results.get(0).first().services().get(0).result().outcomes().size();
    out.printf("## Resync of the nexus stack (%d resources) against moto%n%n", resources);
    out.printf("AWS parallelism %d (one ResourceLoop pool shared by all services), services reconciled concurrently; "
        + "%d warm-up rounds, %d measured rounds per N. Times are wall-clock per round (every service once).%n%n", o.parallelism(), o.warmup(), o.iterations());

    out.println("| N | first converge: calls/service (mutating) | first converge: round | resync: calls/service | resync: mutating | resync round median | resync round p90 | per-service median | services/min |");
    out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (SizeResult r : results) {
      Round f = r.first();
      long firstMut = f.calls().stream().filter(Call::mutating).count();
      Round last = r.resyncs().get(r.resyncs().size() - 1);
      double[] rounds = r.resyncs().stream().mapToDouble(x -> x.nanos() / 1e6).sorted().toArray();
      double[] perService = r.resyncs().stream().flatMap(x -> x.services().stream()).mapToDouble(x -> x.nanos() / 1e6).sorted().toArray();
      double median = percentile(rounds, 50);
      out.printf("| %d | %.1f (%.1f) | %s | %.1f | %d | %s | %s | %s | %.0f |%n",
          r.n(), f.calls().size() / (double) r.n(), firstMut / (double) r.n(), ms(f.nanos() / 1e6),
          last.calls().size() / (double) r.n(), last.calls().stream().filter(Call::mutating).count(),
          ms(median), ms(percentile(rounds, 90)), ms(percentile(perService, 50)), r.n() * 60_000 / median);
    }

    out.printf("%n### AWS calls per service per no-change resync, by operation%n%n");
    out.print("| service | operation |");
    results.forEach(r -> out.printf(" N=%d |", r.n()));
    out.print(" of which failed (404) |");
    results.forEach(r -> out.printf(" ms/call N=%d |", r.n()));
    out.println();
    out.print("|---|---|");
    results.forEach(r -> out.print("---:|"));
    out.print("---:|");
    results.forEach(r -> out.print("---:|"));
    out.println();
    SizeResult base = results.get(0);
    Map<String, Long> baseCounts = counts(lastOf(base).calls());
    TreeMap<String, Boolean> ops = new TreeMap<>();
    results.forEach(r -> counts(lastOf(r).calls()).keySet().forEach(k -> ops.put(k, true)));
    for (String op : ops.keySet()) {
      String[] so = op.split(" ", 2);
      out.printf("| %s | %s |", so[0], so[1]);
      for (SizeResult r : results) {
        out.printf(" %s |", num(counts(lastOf(r).calls()).getOrDefault(op, 0L) / (double) r.n()));
      }
      long failed = lastOf(base).calls().stream().filter(c -> (c.service() + " " + c.operation()).equals(op) && c.failed()).count();
      out.printf(" %s |", num(failed / (double) base.n()));
      for (SizeResult r : results) {
        out.printf(" %s |", meanOver(r.resyncs(), op));
      }
      out.println();
    }
    out.print("| **total** | |");
    results.forEach(r -> out.printf(" **%s** |", num(lastOf(r).calls().size() / (double) r.n())));
    out.printf(" %s |", num(lastOf(base).calls().stream().filter(Call::failed).count() / (double) base.n()));
    results.forEach(r -> out.print(" |"));
    out.println();

    SizeResult big = results.get(results.size() - 1);
    Map<String, Long> byService = new TreeMap<>();
    lastOf(big).calls().forEach(c -> byService.merge(c.service(), 1L, Long::sum));
    double perService = lastOf(big).calls().size() / (double) big.n();
    double seconds = o.resync().toSeconds();
    out.printf("%n### What a fleet costs: %d services, resync period %s%n%n", o.fleet(), o.resync().toString().substring(2).toLowerCase());
    out.printf("Steady state, evenly spread: %d × %.1f calls / %.0f s = **%.1f AWS read calls/s**, by AWS service API (from N=%d):%n%n",
        o.fleet(), perService, seconds, o.fleet() * perService / seconds, big.n());
    out.println("| AWS service | calls/service/resync | calls/s for the fleet |");
    out.println("|---|---:|---:|");
    byService.forEach((svc, count) -> out.printf("| %s | %s | %.2f |%n", svc, num(count / (double) big.n()), o.fleet() * count / (double) big.n() / seconds));
    double median = percentile(big.resyncs().stream().mapToDouble(x -> x.nanos() / 1e6).sorted().toArray(), 50);
    double perMinute = big.n() * 60_000 / median;
    out.printf("%nMeasured throughput at N=%d: %.0f services/min per operator (parallelism %d, moto latency), so one resync of %d services "
        + "takes about %.1f min of the %s period.%n", big.n(), perMinute, o.parallelism(), o.fleet(), o.fleet() / perMinute,
        o.resync().toString().substring(2).toLowerCase());

    out.printf("%n### First converge: calls per service, by operation (N=%d)%n%n", base.n());
    out.println("| service | operation | calls/service | mutating | ms/call |");
    out.println("|---|---|---:|:---:|---:|");
    Map<String, Long> firstCounts = counts(base.first().calls());
    firstCounts.forEach((op, c) -> {
      String[] so = op.split(" ", 2);
      boolean mut = base.first().calls().stream().anyMatch(x -> (x.service() + " " + x.operation()).equals(op) && x.mutating());
      Double mean = base.first().meanMillis().get(op);
      out.printf("| %s | %s | %s | %s | %s |%n", so[0], so[1], num(c / (double) base.n()), mut ? "yes" : "", mean == null ? "–" : String.format("%.1f", mean));
    });
    out.close();
    return buf.toString(StandardCharsets.UTF_8);
  }

  private static Round lastOf(SizeResult r) {
    return r.resyncs().get(r.resyncs().size() - 1);
  }

  private static Map<String, Long> counts(List<Call> calls) {
    return calls.stream().collect(Collectors.groupingBy(c -> c.service() + " " + c.operation(), TreeMap::new, Collectors.counting()));
  }

  private static String meanOver(List<Round> rounds, String op) {
    double[] v = rounds.stream().map(r -> r.meanMillis().get(op)).filter(java.util.Objects::nonNull).mapToDouble(Double::doubleValue).toArray();
    return v.length == 0 ? "–" : String.format("%.1f", Arrays.stream(v).average().orElse(0));
  }

  private static double percentile(double[] sorted, int p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static String ms(double millis) {
    return millis >= 10_000 ? String.format("%.1f s", millis / 1000) : String.format("%.0f ms", millis);
  }

  private static String num(double v) {
    return v == Math.rint(v) ? String.format("%.0f", v) : String.format("%.2f", v);
  }
}
