package dev.slipway.reconciler;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.Semaphore;

/**
 * Who may hold JOSDK's reconciler threads. JOSDK runs every controller's reconciles on one shared
 * fixed pool ({@code quarkus.operator-sdk.concurrent-reconciliation-threads}, 50) with one FIFO
 * queue, and a ServerlessService reconcile holds its thread for as long as its stack waits for the
 * AWS pool. After a restart every service resyncs at once; unbounded, they took every thread and a
 * release's rollback queued behind all of them. So each {@link Lane} but {@link Lane#URGENT} has a
 * bound: a reconcile that finds its lane full does no work and comes back after {@link #requeue()},
 * giving its thread back at once, and the threads beyond both bounds are always there for rollbacks.
 */
public final class ReconcileCapacity {

  /** What a reconcile is about to do, by how long it may wait. */
  public enum Lane {
    /** A ServerlessService reconcile or cleanup: converging a stack, often for minutes. */
    SERVICE,
    /** An ordinary LambdaRelease reconcile: publishing, shifting forward, analysing. */
    RELEASE,
    /** Moving an alias back or to its final place (a rollback, an abort, a deleted release): never deferred. */
    URGENT
  }

  /** A held place in a lane; closing it gives the place back. */
  public interface Slot extends AutoCloseable {
    @Override
    void close();
  }

  private static final Slot FREE = () -> {};

  private final Semaphore services;
  private final Semaphore releases;
  private final Duration requeueDelay;

  /**
   * @param serviceReconciles ServerlessService reconciles that may run at once
   * @param releaseReconciles ordinary LambdaRelease reconciles that may run at once
   * @param requeueDelay how soon a deferred reconcile comes back (plus up to as much again, so
   *     deferred ones do not all return together)
   */
  public ReconcileCapacity(int serviceReconciles, int releaseReconciles, Duration requeueDelay) {
    if (serviceReconciles < 1 || releaseReconciles < 1) {
      throw new IllegalArgumentException("each lane needs at least one reconcile, not " + serviceReconciles + " / " + releaseReconciles);
    }
    this.services = new Semaphore(serviceReconciles);
    this.releases = new Semaphore(releaseReconciles);
    this.requeueDelay = requeueDelay;
  }

  /** No bound on any lane (tests that build a reconciler by hand). */
  public static ReconcileCapacity unbounded() {
    return new ReconcileCapacity(Integer.MAX_VALUE, Integer.MAX_VALUE, Duration.ofSeconds(1));
  }

  /**
   * A place in {@code lane} if one is free now; empty if the lane is full. Never waits: a
   * reconciler thread that waited here would be one more thread the other lanes cannot have.
   */
  public Optional<Slot> tryEnter(Lane lane) {
    Semaphore bound = switch (lane) {
      case SERVICE -> services;
      case RELEASE -> releases;
      case URGENT -> null;
    };
    if (bound == null) {
      return Optional.of(FREE);
    }
    if (!bound.tryAcquire()) {
      return Optional.empty();
    }
    return Optional.of(new Slot() {
      private boolean closed;

      @Override
      public synchronized void close() {
        if (!closed) {
          closed = true;
          bound.release();
        }
      }
    });
  }

  /** How soon a reconcile that found its lane full comes back: the requeue delay plus a random part of it. */
  public Duration requeue() {
    long ms = Math.max(1, requeueDelay.toMillis());
    return Duration.ofMillis(ms + ThreadLocalRandom.current().nextLong(ms + 1));
  }
}
