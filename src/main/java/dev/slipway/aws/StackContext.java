package dev.slipway.aws;

import dev.slipway.api.v1alpha1.FunctionStatus;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything the resource kinds of one service share during one reconcile: the AWS clients of its
 * target, naming and tags, what the previous reconcile recorded, and the outputs converged resources
 * publish for their dependents (the role ARN for functions, alias ARNs for APIs).
 */
public final class StackContext {

  private final AwsClients aws;
  private final String namespace;
  private final String serviceName;
  private final ServerlessServiceSpec spec;
  private final String prefix;
  private final Map<String, String> tags;
  private final Map<String, ManagedResource> previous;
  private final Map<String, FunctionStatus> functions;
  private final Map<String, String> outputs;
  private final Map<String, Object> reads;
  private final SecretValues secrets;
  private final Adoption adoption;
  private final Optional<String> permissionsBoundary;
  /** Null except in the context a create runs in ({@link #forCreate}). */
  private final String clientToken;
  /** Whether what the spec leaves at its default is read too ({@link #checksDefaults}). */
  private final boolean checksDefaults;

  public StackContext(
      AwsClients aws,
      String namespace,
      String serviceName,
      ServerlessServiceSpec spec,
      Collection<ManagedResource> previousResources,
      Collection<FunctionStatus> previousFunctions) {
    this(aws, namespace, serviceName, spec, previousResources, previousFunctions, SecretValues.NONE, Adoption.NONE, Optional.empty());
  }

  public StackContext(
      AwsClients aws,
      String namespace,
      String serviceName,
      ServerlessServiceSpec spec,
      Collection<ManagedResource> previousResources,
      Collection<FunctionStatus> previousFunctions,
      SecretValues secrets,
      Adoption adoption,
      Optional<String> permissionsBoundary) {
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
    this.previous = new LinkedHashMap<>();
    previousResources.forEach(r -> previous.put(r.key(), r));
    Map<String, FunctionStatus> fs = new LinkedHashMap<>();
    previousFunctions.forEach(f -> fs.put(f.name, f));
    this.functions = Collections.unmodifiableMap(fs);
    this.outputs = new ConcurrentHashMap<>();
    this.reads = new ConcurrentHashMap<>();
    this.secrets = secrets;
    this.adoption = adoption;
    this.permissionsBoundary = permissionsBoundary;
    this.clientToken = null;
    this.checksDefaults = true;
  }

  /** The same reconcile seen from another region: same names, tags, previous status and outputs. */
  private StackContext(StackContext of, AwsClients aws) {
    this(of, aws, null, of.checksDefaults);
  }

  private StackContext(StackContext of, AwsClients aws, String clientToken, boolean checksDefaults) {
    this.clientToken = clientToken;
    this.checksDefaults = checksDefaults;
    this.aws = aws;
    this.namespace = of.namespace;
    this.serviceName = of.serviceName;
    this.spec = of.spec;
    this.prefix = of.prefix;
    this.tags = of.tags;
    this.previous = of.previous;
    this.functions = of.functions;
    this.outputs = of.outputs;
    this.reads = of.reads;
    this.secrets = of.secrets;
    this.adoption = of.adoption;
    this.permissionsBoundary = of.permissionsBoundary;
  }

  /** This context with the clients of {@code region} (same credentials), for kinds that live in one fixed region. */
  public StackContext inRegion(String region) {
    return region.equals(region()) ? this : new StackContext(this, aws.inRegion(region));
  }

  /**
   * The context one resource's create runs in (see ResourceLoop): the same reconcile, with clients
   * the SDK does not retry, so that the runtime can look for what a lost attempt made before it
   * creates again, and with {@code clientToken} for APIs that take one.
   */
  public StackContext forCreate(String clientToken) {
    // No clients at all: a runtime test whose kinds keep their resources in memory.
    return new StackContext(this, aws == null ? null : aws.withoutRetries(), clientToken, checksDefaults);
  }

  /**
   * This context for a resync that trusts what the spec leaves at its default to be as the last
   * check found it ({@link #checksDefaults}).
   */
  public StackContext trustingDefaults() {
    return new StackContext(this, aws, clientToken, false);
  }

  /**
   * Whether kinds read what the spec leaves at its default (no TTL, no point-in-time recovery, no
   * provisioned concurrency, no role policy besides Slipway's), to undo a hand-made change of it.
   * True unless the reconciler asked otherwise: every field the spec sets is read on every pass, and
   * a default left unread is taken to hold. A kind that reads less under false still reads what it
   * needs to publish and to find drift of every field the spec sets.
   */
  public boolean checksDefaults() {
    return checksDefaults;
  }

  /**
   * The idempotency token of the create running in this context (EC2's ClientToken): the same for
   * every attempt the runtime makes of that create, so AWS returns what an attempt whose answer was
   * lost made instead of making another. Only a kind's {@code create} may ask for it.
   */
  public String clientToken() {
    if (clientToken == null) {
      throw new IllegalStateException("a client token exists only while a resource is being created");
    }
    return clientToken;
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
    return owner(namespace, serviceName);
  }

  /** How the AWS call log names a ServerlessService. */
  public static String owner(String namespace, String serviceName) {
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

  /** The partition, region and account ARNs of this service's resources are built in. */
  public PolicyStatement.Scope scope() {
    return new PolicyStatement.Scope(region(), aws.accountId());
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

  /** Which existing resources without this service's tag it may take over (the annotation slipway.dev/adopt). */
  public Adoption adoption() {
    return adoption;
  }

  /** The managed policy every role Slipway manages is bounded by (slipway.iam.permissions-boundary), if any. */
  public Optional<String> permissionsBoundary() {
    return permissionsBoundary;
  }

  /** The status entry the previous reconcile recorded, if any: tells adoption from a known resource. */
  public Optional<ManagedResource> previous(String kind, String name) {
    return Optional.ofNullable(previous.get(kind + "/" + name));
  }

  /** What the previous reconcile recorded of a function (versions, alias, last code), if anything. */
  public Optional<FunctionStatus> previousFunction(String name) {
    return Optional.ofNullable(functions.get(name));
  }

  /** The previous reconcile's function entries, in the order it recorded them. */
  public Collection<FunctionStatus> previousFunctions() {
    return functions.values();
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

  /** Drops every shared read: after a write whose outcome is unknown, which any of them may no longer show. */
  public void forgetReads() {
    reads.clear();
  }

  /** Drops a shared read after a write it would no longer show, so the next reader reads again. */
  public void forgetRead(String key) {
    reads.remove(key);
  }

  /**
   * The value of a Secret key in the service's namespace. A missing Secret or key is a terminal error
   * of the resource that needs it: the next resync reads it again (Secrets are read by name, not watched).
   */
  public String secret(dev.slipway.api.v1alpha1.SecretKeyRef ref) {
    return secrets.read(ref).orElseThrow(() -> SlipwayException.terminal(dev.slipway.status.Reasons.SECRET_NOT_FOUND,
        "Secret " + namespace + "/" + ref.name + " has no key " + ref.key));
  }

  /** The service's Kubernetes Secrets: the ones it reads and the ones it owns. */
  public SecretValues secrets() {
    return secrets;
  }

  public void publish(String key, String value) {
    if (value != null) {
      outputs.put(key, value);
    }
  }

  /** An output a dependency published; its absence is a bug in the declared dependencies. */
  public String output(String key) {
    String v = outputs.get(key);
    if (v == null) {
      throw new IllegalStateException("output " + key + " is not available yet: a dependency is not declared");
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
