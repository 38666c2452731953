package dev.slipway.aws;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Sees every AWS call the operator makes: counts it in Prometheus ({@code slipway_aws_calls_total}
 * by service, operation and outcome: {@code ok}, {@code not_found}, {@code throttled},
 * {@code error} or, for a {@link #readOnly} recorder, {@code refused}, as the call ended after the SDK's own retries) and, only when asked to, keeps the last calls in a bounded log
 * that tests and the bench read to prove a reconcile of an unchanged spec makes no mutating call.
 *
 * <p>The operator itself keeps no log ({@code slipway.aws.call-log-size} is 0 by default): at about
 * 10,000 calls per service per day an unbounded log is an out-of-memory kill waiting to happen, and
 * the counters already tell what was called. With a size, the oldest calls make room for new ones.
 */
public final class AwsCallRecorder implements ExecutionInterceptor {

  /** One AWS API call as the operator made it. */
  public record Call(String service, String operation, boolean failed, String owner) {
    /**
     * Reads (Get/List/Describe/Head) change nothing in AWS, nor does asking STS for a session of
     * {@code spec.roleArn}; every other operation may.
     */
    public boolean mutating() {
      return !(operation.startsWith("Get")
          || operation.equals("AssumeRole")
          || operation.startsWith("List")
          || operation.startsWith("Describe")
          || operation.startsWith("Head"));
    }
  }

  /** Who the calls of this thread are made for (see {@link #on}); sync SDK calls run on the caller's thread. */
  private static final ThreadLocal<String> OWNER = new ThreadLocal<>();

  /** A log size for tests and the bench: many full passes over the largest stack they build. */
  public static final int TEST_LOG_SIZE = 50_000;

  /** The last {@code capacity} calls, oldest first; guarded by itself. */
  private final ArrayDeque<Call> calls;
  private final int capacity;
  private final MeterRegistry registry;
  /** Whether a mutating call is refused before it is sent ({@link #readOnly}). */
  private final boolean readOnly;

  /** Counts calls in the global registry and keeps no log. */
  public AwsCallRecorder() {
    this(Metrics.globalRegistry);
  }

  /** Counts calls in {@code registry} and keeps no log. */
  public AwsCallRecorder(MeterRegistry registry) {
    this(registry, 0);
  }

  /** Counts calls in {@code registry} and keeps the last {@code capacity} of them (0: none). */
  public AwsCallRecorder(MeterRegistry registry, int capacity) {
    this(registry, capacity, false);
  }

  private AwsCallRecorder(MeterRegistry registry, int capacity, boolean readOnly) {
    this.readOnly = readOnly;
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must not be negative: " + capacity);
    }
    this.registry = registry;
    this.capacity = capacity;
    this.calls = new ArrayDeque<>(Math.min(capacity, 1024));
  }

  /**
   * A recorder that also refuses, before it is sent, every call that is not a read
   * ({@link Call#mutating}): the guard of {@code kubectl slipway diff}, so that a kind whose read or
   * compare would write fails the diff instead of changing AWS. The refused call is logged as failed.
   */
  public static AwsCallRecorder readOnly(MeterRegistry registry, int capacity) {
    return new AwsCallRecorder(registry, capacity, true);
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (readOnly) {
      Call call = new Call(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME), attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), true, OWNER.get());
      if (call.mutating()) {
        // The SDK reports no failure of a call its interceptors stopped before it was sent: logged here.
        record(attributes, true, "refused");
        throw new IllegalStateException("read only: refusing to call " + call.service() + " " + call.operation());
      }
    }
  }

  /** How many calls the log keeps at most (0: it keeps none). */
  public int capacity() {
    return capacity;
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    record(attributes, false, "ok");
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    // A read that finds nothing is how Slipway learns a resource is absent (e.g. no provisioned
    // concurrency), and throttling is AWS asking to slow down: each counted apart, so dashboards
    // alert on real errors only and show throttling as what it is.
    Throwable e = context.exception();
    record(attributes, true, AwsErrors.isNotFound(e) ? "not_found" : AwsErrors.isThrottling(e) ? "throttled" : "error");
  }

  private void record(ExecutionAttributes attributes, boolean failed, String outcome) {
    String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    if (capacity > 0) {
      Call call = new Call(service, operation, failed, OWNER.get());
      synchronized (calls) {
        if (calls.size() == capacity) {
          calls.removeFirst();
        }
        calls.addLast(call);
      }
    }
    registry.counter("slipway.aws.calls", "service", service, "operation", operation, "outcome", outcome).increment();
  }

  /**
   * Runs {@code work} with its AWS calls attributed to {@code owner} (e.g.
   * {@code ServerlessService/chat/nexus}), so the call log tells one object's calls from another's.
   */
  public static <T> T on(String owner, java.util.function.Supplier<T> work) {
    String outer = OWNER.get();
    OWNER.set(owner);
    try {
      return work.get();
    } finally {
      OWNER.set(outer);
    }
  }

  /** The kept calls made for {@code owner}, oldest first. */
  public List<Call> callsFor(String owner) {
    return calls().stream().filter(c -> owner.equals(c.owner())).toList();
  }

  /** Every kept call, oldest first. */
  public List<Call> calls() {
    synchronized (calls) {
      return List.copyOf(new ArrayList<>(calls));
    }
  }

  /** The kept mutating calls, oldest first. */
  public List<Call> mutatingCalls() {
    return calls().stream().filter(Call::mutating).toList();
  }

  public void clear() {
    synchronized (calls) {
      calls.clear();
    }
  }
}
