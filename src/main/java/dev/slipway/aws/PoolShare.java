package dev.slipway.aws;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One service's share of the shared AWS pool: at most {@code limit} of its tasks are in the pool
 * (queued or running) at once; the rest wait here, in order, and go in as its own tasks finish. So
 * one big stack cannot fill the pool's queue ahead of every other service: a service that starts
 * later waits behind at most {@code limit} tasks of each service already running, not behind all of
 * their resources.
 */
final class PoolShare implements Executor {

  private final Executor pool;
  private final int limit;
  private final Queue<Runnable> waiting = new ArrayDeque<>();
  private int inPool;

  PoolShare(Executor pool, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("a share of at least one worker, not " + limit);
    }
    this.pool = pool;
    this.limit = limit;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      if (inPool >= limit) {
        waiting.add(task);
        return;
      }
      inPool++;
    }
    try {
      pool.execute(() -> run(task));
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        inPool--;
      }
      throw e; // the caller's CompletableFuture completes exceptionally
    }
  }

  private void run(Runnable task) {
    try {
      task.run();
    } finally {
      Runnable next = handOver();
      if (next != null) {
        // To the back of the pool's queue, not run on this worker: the other services' tasks
        // queued meanwhile go first.
        try {
          pool.execute(() -> run(next));
        } catch (RejectedExecutionException e) {
          // The pool is shutting down: run it here rather than leave its future unfinished.
          run(next);
        }
      }
    }
  }

  /** The next waiting task, which keeps this task's place in the pool; null gives the place back. */
  private synchronized Runnable handOver() {
    Runnable next = waiting.poll();
    if (next == null) {
      inPool--;
    }
    return next;
  }
}
