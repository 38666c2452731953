package dev.slipway.bench;

import dev.slipway.api.v1alpha1.FunctionStatus;
import dev.slipway.aws.AwsCallRecorder;
import dev.slipway.aws.AwsClientFactory;
import dev.slipway.aws.AwsClients;
import dev.slipway.aws.AwsTarget;
import dev.slipway.aws.ResourceLoop;
import dev.slipway.reconciler.ReconcileCapacity;
import dev.slipway.reconciler.ReconcileCapacity.Lane;
import dev.slipway.testing.MotoServer;
import dev.slipway.testing.StackCopies;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * How long a rollback's alias call waits while every service resyncs, as after a restart: N copies
 * of the nexus stack converged in moto, then per round all N service reconciles and, right behind
 * them, one rollback (an UpdateAlias) are handed to a stand-in for JOSDK's reconciler pool (one
 * fixed pool, one FIFO queue, for every controller), once with no lanes (as before
 * {@link ReconcileCapacity}) and once with the operator's default lanes. A deferred service comes
 * back after the requeue delay, as JOSDK's reschedule would bring it. Figures, not assertions.
 */
public final class RollbackBench {

  record Options(int services, int threads, int parallelism, int perService, int serviceReconciles, int releaseReconciles,
      Duration requeue, int rounds, Path spec, Path out) {
    static Options parse(String[] args) {
      Map<String, String> a = new LinkedHashMap<>();
      for (String arg : args) {
        String[] kv = arg.replaceFirst("^--", "").split("=", 2);
        a.put(kv[0], kv.length > 1 ? kv[1] : "true");
      }
      return new Options(
          Integer.parseInt(a.getOrDefault("services", "60")),
          Integer.parseInt(a.getOrDefault("threads", "50")),
          Integer.parseInt(a.getOrDefault("parallelism", "4")),
          Integer.parseInt(a.getOrDefault("per-service", "2")),
          Integer.parseInt(a.getOrDefault("service-reconciles", "8")),
          Integer.parseInt(a.getOrDefault("release-reconciles", "32")),
          Duration.parse("PT" + a.getOrDefault("requeue", "2s").toUpperCase()),
          Integer.parseInt(a.getOrDefault("rounds", "3")),
          Path.of(a.getOrDefault("spec", "../examples/nexus/20-serverlessservice.yaml")),
          Path.of(a.getOrDefault("out", "target/rollback-results.md")));
    }
  }

  /** One round: when the rollback's alias call returned, and when the last service finished, from the moment all were queued. */
  record Round(String mode, long rollbackMillis, long resyncMillis, int deferred) {}

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    String yaml = Files.readString(o.spec());
    MotoServer moto = MotoServer.shared();
    moto.reset();
    AwsCallRecorder recorder = new AwsCallRecorder(new SimpleMeterRegistry(), 0);
    ExecutorService awsPool = Executors.newFixedThreadPool(o.parallelism(), ResyncBench.daemon("slipway-aws"));
    ExecutorService reconcilers = Executors.newFixedThreadPool(o.threads(), ResyncBench.daemon("reconciler"));
    ScheduledExecutorService requeues = Executors.newSingleThreadScheduledExecutor(ResyncBench.daemon("requeue"));
    List<Round> rounds = new ArrayList<>();
    try (AwsClientFactory factory = new AwsClientFactory(
        Optional.of(moto.endpoint()), recorder, StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))) {
      List<ResyncBench.Service> services = new ArrayList<>();
      for (int i = 1; i <= o.services(); i++) {
        String name = String.format("nexus%02d", i);
        services.add(new ResyncBench.Service(name, StackCopies.copy(yaml, name).getSpec()));
      }
      AwsClients aws = factory.forTarget(AwsTarget.of(services.get(0).spec.region, null));
      ResyncBench.uploadArtifacts(aws, services.get(0).spec);
      ResourceLoop loop = new ResourceLoop(awsPool, o.perService());

      System.err.printf("first converge of %d services%n", o.services());
      ReconcileCapacity unbounded = ReconcileCapacity.unbounded();
      round("first converge", services, aws, loop, reconcilers, requeues, unbounded, null);
      FunctionStatus fn = services.get(0).functions.get(0);
      String[] arn = fn.aliasArn.split(":");
      Runnable rollback = () -> aws.lambda().updateAlias(r -> r.functionName(arn[6]).name(arn[7]).functionVersion(fn.aliasVersion));

      ReconcileCapacity lanes = new ReconcileCapacity(o.serviceReconciles(), o.releaseReconciles(), o.requeue());
      for (int i = 0; i < o.rounds(); i++) {
        rounds.add(round("no lanes", services, aws, loop, reconcilers, requeues, unbounded, rollback));
        rounds.add(round("lanes", services, aws, loop, reconcilers, requeues, lanes, rollback));
      }
    } finally {
      awsPool.shutdownNow();
      reconcilers.shutdownNow();
      requeues.shutdownNow();
    }
    String report = report(rounds, o);
    System.out.println(report);
    Files.createDirectories(o.out().toAbsolutePath().getParent());
    Files.writeString(o.out(), report);
  }

  private static Round round(String mode, List<ResyncBench.Service> services, AwsClients aws, ResourceLoop loop, ExecutorService reconcilers,
      ScheduledExecutorService requeues, ReconcileCapacity capacity, Runnable rollback) throws InterruptedException {
    CountDownLatch resynced = new CountDownLatch(services.size());
    java.util.concurrent.atomic.AtomicInteger deferred = new java.util.concurrent.atomic.AtomicInteger();
    long t0 = System.nanoTime();
    for (ResyncBench.Service s : services) {
      reconcilers.execute(new Runnable() {
        @Override
        public void run() {
          Optional<ReconcileCapacity.Slot> slot = capacity.tryEnter(Lane.SERVICE);
          if (slot.isEmpty()) {
            deferred.incrementAndGet();
            Runnable again = this;
            requeues.schedule(() -> reconcilers.execute(again), capacity.requeue().toMillis(), TimeUnit.MILLISECONDS);
            return;
          }
          try (var held = slot.get()) {
            s.reconcile(aws, loop);
          } finally {
            resynced.countDown();
          }
        }
      });
    }
    long rollbackMillis = -1;
    if (rollback != null) {
      CompletableFuture<Long> done = CompletableFuture.supplyAsync(() -> {
        try (var held = capacity.tryEnter(Lane.URGENT).orElseThrow()) {
          rollback.run();
        }
        return (System.nanoTime() - t0) / 1_000_000;
      }, reconcilers);
      rollbackMillis = done.join();
    }
    resynced.await();
    long resyncMillis = (System.nanoTime() - t0) / 1_000_000;
    System.err.printf("%s: rollback %d ms, resync %d ms, %d deferrals%n", mode, rollbackMillis, resyncMillis, deferred.get());
    return new Round(mode, rollbackMillis, resyncMillis, deferred.get());
  }

  static String report(List<Round> rounds, Options o) {
    StringBuilder b = new StringBuilder();
    b.append(String.format("%d services (nexus), %d reconciler threads, AWS pool %d (%d per service), lanes %d services / %d releases, requeue %s%n%n",
        o.services(), o.threads(), o.parallelism(), o.perService(), o.serviceReconciles(), o.releaseReconciles(), o.requeue()));
    b.append("| round | mode | rollback's UpdateAlias returned after | all services resynced after | deferrals |\n|---:|---|---:|---:|---:|\n");
    int i = 0;
    for (Round r : rounds) {
      b.append(String.format("| %d | %s | %d ms | %d ms | %d |%n", i++ / 2 + 1, r.mode(), r.rollbackMillis(), r.resyncMillis(), r.deferred()));
    }
    return b.toString();
  }
}
