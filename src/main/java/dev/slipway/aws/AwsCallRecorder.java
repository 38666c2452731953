package dev.slipway.aws;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Sees every AWS call the operator makes: counts it in Prometheus ({@code slipway_aws_calls_total}
 * by service, operation and outcome) and keeps a log that tests read to prove a reconcile of an
 * unchanged spec makes no mutating call.
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

  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final MeterRegistry registry;

  public AwsCallRecorder() {
    this(Metrics.globalRegistry);
  }

  public AwsCallRecorder(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    record(attributes, false, "ok");
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    // A read that finds nothing is how Slipway learns a resource is absent (e.g. no provisioned
    // concurrency): counted apart, so dashboards alert on real errors only.
    record(attributes, true, AwsErrors.isNotFound(context.exception()) ? "not_found" : "error");
  }

  private void record(ExecutionAttributes attributes, boolean failed, String outcome) {
    String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    calls.add(new Call(service, operation, failed, OWNER.get()));
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

  /** The calls made for {@code owner}, oldest first. */
  public List<Call> callsFor(String owner) {
    return calls.stream().filter(c -> owner.equals(c.owner())).toList();
  }

  /** Every call recorded so far, oldest first. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The mutating calls recorded so far, oldest first. */
  public List<Call> mutatingCalls() {
    return calls.stream().filter(Call::mutating).toList();
  }

  public void clear() {
    calls.clear();
  }
}
