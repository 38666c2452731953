package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.FunctionDefaults;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.AwsCallRecorder;
import dev.slipway.aws.AwsClientFactory;
import dev.slipway.aws.AwsClients;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.AwsTarget;
import dev.slipway.aws.EventSink;
import dev.slipway.aws.ResourceLoop;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.aws.Planned;
import dev.slipway.aws.StackContext;
import dev.slipway.testing.MotoServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The nexus service driven through the real {@link ResourceLoop} against moto, as the reconciler
 * will drive it: each converge starts from the status entries the previous one recorded.
 */
final class MotoStack implements AutoCloseable {

  static final String NAMESPACE = "chat";
  static final String SERVICE = "nexus";

  final MotoServer moto = MotoServer.shared();
  final AwsCallRecorder recorder = new AwsCallRecorder(new SimpleMeterRegistry(), AwsCallRecorder.TEST_LOG_SIZE);
  private final AwsClientFactory factory =
      new AwsClientFactory(Optional.of(moto.endpoint()), recorder, StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final ResourceLoop loop = new ResourceLoop(pool);
  private List<ManagedResource> status = List.of();
  private StackContext last;
  /** The Secrets of the service's namespace, by {@code name/key}: what the reconciler would read from the cluster. */
  final Map<String, String> secrets = new java.util.concurrent.ConcurrentHashMap<>();
  /** Every event the runtime reported, as {@code reason: message}. */
  final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final EventSink recordingEvents = new EventSink() {
    @Override
    public void normal(String reason, String message) {
      events.add(reason + ": " + message);
    }

    @Override
    public void warning(String reason, String message) {
      events.add(reason + ": " + message);
    }
  };

  MotoStack() {
    moto.reset();
  }

  /** The ServerlessService spec of the contract example, fresh for every call. */
  static ServerlessServiceSpec nexus() {
    try (InputStream in = MotoStack.class.getResourceAsStream("nexus.yaml")) {
      return Serialization.unmarshal(in, ServerlessService.class).getSpec();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  AwsClients aws() {
    return factory.forTarget(AwsTarget.of("us-east-1", null));
  }

  StackContext context(ServerlessServiceSpec spec) {
    return new StackContext(factory.forTarget(AwsTarget.of(spec.region, null)), NAMESPACE, SERVICE, FunctionDefaults.resolve(spec), status, List.of(),
        ref -> Optional.ofNullable(secrets.get(ref.name + "/" + ref.key)));
  }

  /** One converge of the resources of {@code kinds}, recording the status entries for the next; the call log holds only this run. */
  Result converge(ServerlessServiceSpec spec, java.util.Set<String> kinds) {
    recorder.clear();
    last = context(spec);
    List<Planned<?, ?>> plan = StackKinds.plan(last).stream().filter(p -> kinds.contains(p.kind().info().name())).toList();
    Result result = loop.converge(last, plan, recordingEvents);
    status = result.resources();
    return result;
  }

  List<ResourceLoop.Outcome> deleteAll(Map<String, AwsResourceKind<?, ?>> kinds) {
    recorder.clear();
    return loop.deleteAll(last, status, kinds, recordingEvents);
  }

  StackContext lastContext() {
    return last;
  }

  List<String> mutatingOperations() {
    return recorder.mutatingCalls().stream().map(AwsCallRecorder.Call::operation).toList();
  }

  List<String> operations() {
    return recorder.calls().stream().map(AwsCallRecorder.Call::operation).toList();
  }

  @Override
  public void close() {
    pool.shutdownNow();
    factory.close();
  }
}
