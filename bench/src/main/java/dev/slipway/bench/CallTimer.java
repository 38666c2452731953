package dev.slipway.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Time spent per AWS operation, client side (SDK marshalling, HTTP round trip to moto, unmarshalling).
 * Registered as an SDK global interceptor (resource
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors} of this module), so the
 * operator's own client set-up stays untouched; {@code AwsCallRecorder} still does the counting.
 */
public final class CallTimer implements ExecutionInterceptor {

  private static final ExecutionAttribute<Long> START = new ExecutionAttribute<>("slipway.bench.start");
  private static final Map<String, LongAdder[]> TOTALS = new ConcurrentHashMap<>();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    attributes.putAttribute(START, System.nanoTime());
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    record(attributes);
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    record(attributes);
  }

  private static void record(ExecutionAttributes attributes) {
    Long start = attributes.getAttribute(START);
    if (start == null) {
      return;
    }
    String key = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + " " + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    LongAdder[] t = TOTALS.computeIfAbsent(key, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
    t[0].increment();
    t[1].add(System.nanoTime() - start);
  }

  /** Mean milliseconds per call by "Service Operation", since the last {@link #clear()}. */
  static Map<String, Double> meanMillis() {
    Map<String, Double> out = new TreeMap<>();
    TOTALS.forEach((k, t) -> {
      long n = t[0].sum();
      if (n > 0) {
        out.put(k, t[1].sum() / 1e6 / n);
      }
    });
    return out;
  }

  static void clear() {
    TOTALS.clear();
  }
}
