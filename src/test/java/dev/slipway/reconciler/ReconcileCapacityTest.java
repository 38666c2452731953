package dev.slipway.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.reconciler.ReconcileCapacity.Lane;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lanes of the reconciler threads, on a stand-in for JOSDK's reconciler pool (JOSDK 5 runs every
 * controller's reconciles on one fixed pool with one FIFO queue): services resyncing after a
 * restart, each holding its thread while its stack waits for a saturated AWS pool, and a rollback
 * queued behind all of them.
 */
class ReconcileCapacityTest {

  private static final int THREADS = 6;
  private static final int SERVICES = 20;

  /** JOSDK's reconciler pool, scaled down. */
  private final ExecutorService reconcilerThreads = Executors.newFixedThreadPool(THREADS);
  /** The shared AWS pool, saturated: no service's stack finishes while the test looks. */
  private final CountDownLatch awsPool = new CountDownLatch(1);
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger deferred = new AtomicInteger();
  private final CountDownLatch rolledBack = new CountDownLatch(1);

  @AfterEach
  void stop() {
    awsPool.countDown();
    reconcilerThreads.shutdownNow();
  }

  @Test
  void withEveryServiceResyncingARollbackStillFindsAThread() throws Exception {
    ReconcileCapacity capacity = new ReconcileCapacity(2, 2, Duration.ofSeconds(1));
    for (int i = 0; i < SERVICES; i++) {
      reconcilerThreads.submit(() -> reconcile(capacity, Lane.SERVICE));
    }
    for (int i = 0; i < 5; i++) {
      reconcilerThreads.submit(() -> reconcile(capacity, Lane.RELEASE));
    }
    reconcilerThreads.submit(() -> reconcile(capacity, Lane.URGENT));

    assertThat(rolledBack.await(30, TimeUnit.SECONDS)).as("the rollback ran while every admitted service still waited").isTrue();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(deferred.get()).isEqualTo(SERVICES - 2 + 5 - 2));
    assertThat(running.get()).isEqualTo(4);
    assertThat(awsPool.getCount()).isOne();
  }

  /** What the bounds are for: unbounded, the services hold every thread and the rollback stays queued behind them. */
  @Test
  void unboundedTheServicesTakeEveryThreadAndTheRollbackWaits() {
    ReconcileCapacity capacity = ReconcileCapacity.unbounded();
    for (int i = 0; i < SERVICES; i++) {
      reconcilerThreads.submit(() -> reconcile(capacity, Lane.SERVICE));
    }
    reconcilerThreads.submit(() -> reconcile(capacity, Lane.URGENT));

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(running.get()).isEqualTo(THREADS));
    // Every thread waits for the AWS pool, so nothing queued behind them can have run.
    assertThat(rolledBack.getCount()).isOne();
    assertThat(deferred.get()).isZero();
  }

  @Test
  void aClosedSlotFreesItsPlaceOnceAndUrgentWorkIsNeverRefused() {
    ReconcileCapacity capacity = new ReconcileCapacity(1, 1, Duration.ofSeconds(2));
    Optional<ReconcileCapacity.Slot> first = capacity.tryEnter(Lane.SERVICE);
    assertThat(first).isPresent();
    assertThat(capacity.tryEnter(Lane.SERVICE)).isEmpty();
    assertThat(capacity.tryEnter(Lane.RELEASE)).as("lanes are bounded apart").isPresent();
    for (int i = 0; i < 100; i++) {
      assertThat(capacity.tryEnter(Lane.URGENT)).isPresent();
    }

    first.get().close();
    first.get().close();
    Optional<ReconcileCapacity.Slot> second = capacity.tryEnter(Lane.SERVICE);
    assertThat(second).isPresent();
    assertThat(capacity.tryEnter(Lane.SERVICE)).as("a second close gave back nothing more").isEmpty();
  }

  @Test
  void deferredReconcilesComeBackSpreadOverOneToTwoRequeueDelays() {
    ReconcileCapacity capacity = new ReconcileCapacity(1, 1, Duration.ofSeconds(2));
    for (int i = 0; i < 200; i++) {
      assertThat(capacity.requeue()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
    }
  }

  /** A reconcile as the reconcilers run one: a deferral gives the thread back; admitted work waits for AWS (a rollback's alias call goes through). */
  private void reconcile(ReconcileCapacity capacity, Lane lane) {
    Optional<ReconcileCapacity.Slot> slot = capacity.tryEnter(lane);
    if (slot.isEmpty()) {
      deferred.incrementAndGet();
      return;
    }
    try (var held = slot.get()) {
      if (lane == Lane.URGENT) {
        rolledBack.countDown();
        return;
      }
      running.incrementAndGet();
      awsPool.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
