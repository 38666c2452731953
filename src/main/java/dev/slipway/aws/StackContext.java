package dev.slipway.aws;

import dev.slipway.api.v1alpha1.FunctionStatus;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything the resource kinds of one service share during one reconcile: the AWS clients of its
 * target, naming and tags, what the previous reconcile recorded, and the outputs earlier stages
 * publish for later ones (the role ARN for functions, alias ARNs for APIs).
 */
public final class StackContext {

  private final AwsClients aws;
  private final String namespace;
  private final String serviceName;
  private final ServerlessServiceSpec spec;
  private final String prefix;
  private final Map<String, String> tags;
  private final Map<String, ManagedResource> previous = new LinkedHashMap<>();
  private final Map<String, FunctionStatus> functions = new ConcurrentHashMap<>();
  private final Map<String, String> outputs = new ConcurrentHashMap<>();
  private final Map<String, Object> reads = new ConcurrentHashMap<>();

  public StackContext(
      AwsClients aws,
      String namespace,
      String serviceName,
      ServerlessServiceSpec spec,
      Collection<ManagedResource> previousResources,
      Collection<FunctionStatus> previousFunctions) {
    this.aws = aws;
    this.namespace = namespace;
    this.serviceName = serviceName;
    this.spec = spec;
    this.prefix = Naming.prefix(serviceName, spec);
    Map<String, String> t = new LinkedHashMap<>(spec.tags == null ? Map.of() : spec.tags);
    t.put(Tags.MANAGED_BY, "slipway");
    t.put(Tags.SERVICE, namespace + "." + serviceName);
    t.put(Tags.STAGE, spec.stage);
    this.tags = Map.copyOf(t);
    previousResources.forEach(r -> previous.put(r.key(), r));
    previousFunctions.forEach(f -> functions.put(f.name, f));
  }

  public AwsClients aws() {
    return aws;
  }

  public ServerlessServiceSpec spec() {
    return spec;
  }

  public String namespace() {
    return namespace;
  }

  /** The ServerlessService this context works for, as the AWS call log names it. */
  public String owner() {
    return "ServerlessService/" + namespace + "/" + serviceName;
  }

  public String serviceName() {
    return serviceName;
  }

  public String stage() {
    return spec.stage;
  }

  public String region() {
    return aws.target().region();
  }

  /** The AWS name of a logical resource: {@code <prefix>-<logical>}. */
  public String physicalName(String logical) {
    return prefix + "-" + logical;
  }

  public String prefix() {
    return prefix;
  }

  /** User tags plus Slipway's own, put on every resource that takes tags. */
  public Map<String, String> tags() {
    return tags;
  }

  /** The status entry the previous reconcile recorded, if any: tells adoption from a known resource. */
  public Optional<ManagedResource> previous(String kind, String name) {
    return Optional.ofNullable(previous.get(kind + "/" + name));
  }

  /** The entries the previous reconcile recorded for the given kinds, in their recorded order. */
  public List<ManagedResource> previousOf(java.util.Set<String> kinds) {
    return previous.values().stream().filter(r -> kinds.contains(r.kind)).toList();
  }

  /** The function's status entry, created empty on first use; the function kind keeps it current. */
  public FunctionStatus function(String name) {
    return functions.computeIfAbsent(name, n -> {
      FunctionStatus f = new FunctionStatus();
      f.name = n;
      return f;
    });
  }

  /** Function entries of the functions in the spec, in spec order. */
  public List<FunctionStatus> functionStatuses() {
    return spec.functions.stream().map(f -> functions.get(f.name)).filter(java.util.Objects::nonNull).toList();
  }

  /**
   * A read shared by the kinds of this reconcile (several kinds look at the same AWS document, such
   * as a function alias's resource policy): made once, then served from memory until the next
   * reconcile. Only for reads whose later changes in this reconcile the readers do not need to see.
   */
  @SuppressWarnings("unchecked")
  public <T> T sharedRead(String key, java.util.function.Supplier<T> read) {
    return (T) reads.computeIfAbsent(key, k -> read.get());
  }

  public void publish(String key, String value) {
    if (value != null) {
      outputs.put(key, value);
    }
  }

  /** An output an earlier stage published; its absence is a bug in stage order. */
  public String output(String key) {
    String v = outputs.get(key);
    if (v == null) {
      throw new IllegalStateException("output " + key + " is not available yet: stage order is wrong");
    }
    return v;
  }

  public Optional<String> findOutput(String key) {
    return Optional.ofNullable(outputs.get(key));
  }

  public Map<String, String> outputs() {
    return Map.copyOf(outputs);
  }
}
