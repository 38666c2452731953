package dev.slipway.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.testing.AwsFaults;
import dev.slipway.testing.MotoServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkServiceException;

/** Bounded memory: the recorder counts every call, and keeps only as many as it was asked to (moto answers the calls). */
class AwsCallRecorderTest {

  @Test
  void byDefaultNoCallIsKeptAndEveryCallIsCounted() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AwsCallRecorder recorder = new AwsCallRecorder(registry);

    callSts(recorder, 5);

    assertThat(recorder.capacity()).isZero();
    assertThat(recorder.calls()).isEmpty();
    assertThat(count(registry, "GetCallerIdentity")).isEqualTo(5);
  }

  @Test
  void aLogKeepsTheNewestCallsUpToItsCapacity() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AwsCallRecorder recorder = new AwsCallRecorder(registry, 3);

    AwsCallRecorder.on("first", () -> callSts(recorder, 2));
    AwsCallRecorder.on("second", () -> callSts(recorder, 3));

    assertThat(recorder.calls()).hasSize(3).extracting(AwsCallRecorder.Call::owner).containsOnly("second");
    assertThat(recorder.callsFor("first")).isEmpty();
    assertThat(count(registry, "GetCallerIdentity")).isEqualTo(5);
    recorder.clear();
    assertThat(recorder.calls()).isEmpty();
  }

  @Test
  void aThrottledCallIsCountedAsThrottledNotAsAnError() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AwsCallRecorder recorder = new AwsCallRecorder(registry);
    AwsFaults faults = AwsFaults.shared();
    // More 429s than the SDK makes attempts: the call fails throttled.
    var throttle = faults.throttle(AwsFaults.action("GetCallerIdentity"), 10);
    try {
      assertThatThrownBy(() -> callSts(recorder, faults.endpoint(), 1)).isInstanceOf(SdkServiceException.class);
    } finally {
      faults.clearFaults();
    }

    assertThat(throttle.served()).isPositive();
    assertThat(count(registry, "GetCallerIdentity", "throttled")).isEqualTo(1);
    assertThat(count(registry, "GetCallerIdentity", "error")).isZero();
  }

  @Test
  void aReadOnlyRecorderRefusesAMutatingCallBeforeItIsSentAndLetsReadsThrough() {
    AwsCallRecorder recorder = AwsCallRecorder.readOnly(new SimpleMeterRegistry(), 10);
    String topic = "read-only-" + System.nanoTime();
    try (AwsClientFactory factory = new AwsClientFactory(
        Optional.of(MotoServer.shared().endpoint()), recorder, StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))) {
      var sns = factory.forTarget(AwsTarget.of("us-east-1", null)).sns();
      assertThatThrownBy(() -> sns.createTopic(r -> r.name(topic))).hasMessageContaining("read only: refusing to call Sns CreateTopic");
      assertThat(sns.listTopics().topics()).noneSatisfy(t -> assertThat(t.topicArn()).endsWith(":" + topic));
    }
    assertThat(recorder.calls()).extracting(AwsCallRecorder.Call::operation).containsExactly("CreateTopic", "ListTopics");
    assertThat(recorder.mutatingCalls()).singleElement().satisfies(c -> assertThat(c.failed()).isTrue());
  }

  private static List<String> callSts(AwsCallRecorder recorder, int n) {
    return callSts(recorder, MotoServer.shared().endpoint(), n);
  }

  private static List<String> callSts(AwsCallRecorder recorder, java.net.URI endpoint, int n) {
    try (AwsClientFactory factory = new AwsClientFactory(
        Optional.of(endpoint), recorder, StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))) {
      var sts = factory.forTarget(AwsTarget.of("us-east-1", null)).sts();
      return IntStream.range(0, n).mapToObj(i -> sts.getCallerIdentity().account()).toList();
    }
  }

  private static double count(SimpleMeterRegistry registry, String operation) {
    return registry.find("slipway.aws.calls").tag("operation", operation).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  private static double count(SimpleMeterRegistry registry, String operation, String outcome) {
    return registry.find("slipway.aws.calls").tags("operation", operation, "outcome", outcome).counters().stream().mapToDouble(c -> c.count()).sum();
  }
}
