package dev.slipway.reconciler;

import dev.slipway.api.v1alpha1.FunctionDefaults;
import dev.slipway.api.v1alpha1.FunctionStatus;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec.DeletionPolicy;
import dev.slipway.api.v1alpha1.ServerlessServiceStatus;
import dev.slipway.api.v1alpha1.Slipway;
import dev.slipway.aws.Adoption;
import dev.slipway.aws.AwsCallRecorder;
import dev.slipway.aws.AwsClientFactory;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.AwsTarget;
import dev.slipway.aws.EventSink;
import dev.slipway.aws.ResourceLoop;
import dev.slipway.aws.ResourceLoop.Outcome;
import dev.slipway.aws.Revocation;
import dev.slipway.aws.Revoked;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.kinds.EventSourceMappingKind;
import dev.slipway.aws.kinds.LambdaFunctionKind;
import dev.slipway.aws.kinds.SnsSubscriptionKind;
import dev.slipway.aws.kinds.StackKinds;
import dev.slipway.config.Shard;
import dev.slipway.canary.notify.NotifierChannels;
import dev.slipway.canary.notify.Notifications;
import dev.slipway.canary.notify.ServiceEvent;
import dev.slipway.config.SlipwayConfig;
import dev.slipway.metrics.OperatorMetrics;
import dev.slipway.status.Conditions;
import dev.slipway.status.Reasons;
import dev.slipway.tenancy.PolicyBounds;
import dev.slipway.tenancy.TenancyRules;
import dev.slipway.tenancy.TenancyWatch;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.quarkiverse.operatorsdk.runtime.api.ConfigurableReconciler;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Reconciles a ServerlessService: validates what the CRD schema cannot, converges every AWS
 * resource through the {@link ResourceLoop} in dependency order, deletes what left the spec (under
 * the Delete policy), and reports the truth in status, events and the outputs ConfigMap. Terminal
 * errors wait for a spec change; retryable ones come back with exponential backoff; a converged
 * service comes back after the resync period to repair drift.
 */
// The resync normally comes from rescheduleAfter(resync-period); the maximum interval is the safety
// net for a reconcile that ended in an unexpected exception once JOSDK's retries ran out.
// ReconcileTriggers is generation-aware itself and also lets a change of the adopt and
// reconcile-requested-at annotations through.
@ControllerConfiguration(
    name = "serverlessservice",
    finalizerName = Slipway.FINALIZER,
    generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = ReconcileTriggers.class),
    maxReconciliationInterval = @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
// Reconciler named as well: plain JOSDK (a hand-built operator) reads the resource type from it.
public class ServerlessServiceReconciler implements Reconciler<ServerlessService>, ConfigurableReconciler<ServerlessService>, Cleaner<ServerlessService> {

  private static final Logger LOG = Logger.getLogger(ServerlessServiceReconciler.class);

  private final KubernetesClient client;
  private final AwsClientFactory aws;
  private final ResourceLoop loop;
  private final SlipwayConfig config;
  private final Clock clock;
  private final OperatorMetrics metrics;
  private final ServiceValidator validator;
  private final OutputsConfigMap outputsConfigMap;
  private final ReleaseTrigger releases;
  private final ReconcileCapacity capacity;
  private final TenancyWatch<ServerlessService> tenancy = new TenancyWatch<>();
  private final Shard shard;
  /** Consecutive retryable failures per object uid. */
  private final Backoff backoff;
  private final MeterRegistry registry;
  private final NotifierChannels notifiers;

  public ServerlessServiceReconciler(
      KubernetesClient client,
      AwsClientFactory aws,
      ResourceLoop loop,
      SlipwayConfig config,
      Clock clock,
      OperatorMetrics metrics,
      MeterRegistry registry,
      ReconcileCapacity capacity) {
    this.client = client;
    this.registry = registry;
    this.notifiers = new NotifierChannels(client, aws, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    this.capacity = capacity;
    this.aws = aws;
    this.loop = loop;
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
    this.validator = new ServiceValidator();
    this.outputsConfigMap = new OutputsConfigMap(client);
    this.releases = new ReleaseTrigger(client);
    this.backoff = new Backoff(config.aws().retryInitialDelay(), config.aws().retryMaxDelay());
    this.shard = Shard.of(config);
  }

  /** Only the shard's services: one relabelled away leaves the informer without a cleanup (see {@link Shard}). */
  @Override
  public void updateConfigurationFrom(ControllerConfigurationOverrider<ServerlessService> configuration) {
    shard.narrow(configuration);
  }

  /**
   * The tenancy informers: a change to a SlipwayTenancy or a namespace's labels re-evaluates
   * services. Parameter Secrets are not watched (the operator may not list or watch Secrets); they
   * are read at every reconcile, so a rotation is picked up at the next resync.
   */
  @Override
  public List<EventSource<?, ServerlessService>> prepareEventSources(EventSourceContext<ServerlessService> context) {
    return new ArrayList<>(tenancy.eventSources(context));
  }

  @Override
  public UpdateControl<ServerlessService> reconcile(ServerlessService service, Context<ServerlessService> context) {
    // A service past its lane's bound gives its reconciler thread back at once: held while its stack
    // waited for the AWS pool, the thread would be one a release's rollback could not have.
    Optional<ReconcileCapacity.Slot> slot = capacity.tryEnter(ReconcileCapacity.Lane.SERVICE);
    if (slot.isEmpty()) {
      metrics.deferred("ServerlessService");
      return UpdateControl.<ServerlessService>noUpdate().rescheduleAfter(capacity.requeue());
    }
    try (var held = slot.get()) {
      // Every AWS call of this reconcile, also those outside the resource loop, is counted for the service.
      return metrics.timed("ServerlessService", () -> AwsCallRecorder.on(owner(service), () -> reconcileService(service)));
    }
  }

  private static String owner(ServerlessService service) {
    return StackContext.owner(service.getMetadata().getNamespace(), service.getMetadata().getName());
  }

  private UpdateControl<ServerlessService> reconcileService(ServerlessService service) {
    var events = new KubernetesEvents(client, service, clock);
    ServerlessServiceStatus old = service.getStatus() == null ? new ServerlessServiceStatus() : service.getStatus();
    ServerlessServiceStatus status = Statuses.copy(old, ServerlessServiceStatus.class);
    long generation = service.getMetadata().getGeneration();
    status.observedGeneration = generation;
    // Kept when the annotation goes: it still is the last request handled.
    Optional.ofNullable(UpdateTriggers.annotation(service.getMetadata(), Slipway.RECONCILE_REQUESTED_AT)).ifPresent(v -> status.lastHandledReconcileAt = v);

    // Resolved once: validation, every AWS kind and the release trigger see the same complete functions.
    ServerlessServiceSpec spec = FunctionDefaults.resolve(service.getSpec());
    List<String> problems = new ArrayList<>(validator.validate(service.getMetadata().getName(), spec));
    adoption(service).unknown(StackKinds.byName().keySet()).forEach(k -> problems.add("annotation " + Slipway.ADOPT_ANNOTATION + " names " + k
        + ", which is no resource kind (" + String.join(", ", StackKinds.byName().keySet().stream().sorted().toList()) + ")"));
    // Decided before the spec is judged, so a refusal of either kind is announced as the tenancy allows.
    var permit = permit(service);
    if (!problems.isEmpty()) {
      return refuse(service, old, status, Reasons.INVALID_SPEC, String.join("; ", problems), events, permit);
    }

    if (permit instanceof TenancyRules.Refused refused) {
      // A tenancy change brings it back (TenancyWatch); nothing to retry until then.
      return refuse(service, old, status, Reasons.NOT_PERMITTED, refused.message(), events, permit);
    }
    var permitted = (TenancyRules.Permitted) permit;
    Optional<String> beyond = permitted.bounds().serviceRefusal(spec);
    if (beyond.isPresent()) {
      String message = "ServerlessService " + service.getMetadata().getNamespace() + "/" + service.getMetadata().getName() + " is not permitted: " + beyond.get();
      List<String> revoked = revoke(spec, service, old, status, permitted, events);
      if (!revoked.isEmpty()) {
        message += "; what grants since revoked gave it is taken back until they return: " + String.join(", ", revoked);
      }
      return refuse(service, old, status, Reasons.NOT_PERMITTED, message, events, permit);
    }

    boolean checkDefaults = defaultsDue(old, generation);
    StackContext ctx = context(service, spec, old, permitted.target());
    if (!checkDefaults) {
      ctx = ctx.trustingDefaults();
    }
    StackKinds.warnings(spec).forEach(w -> events.warning(Reasons.WIDE_GRANT, w));
    ResourceLoop.Result result = loop.converge(ctx, StackKinds.plan(ctx), events);
    List<ManagedResource> resources = new ArrayList<>(result.resources());
    // Only a complete run knows what the spec no longer wants; a partial one must not delete.
    List<Outcome> deleteFailures = result.complete() ? removeDropped(service, ctx, old.resources, resources, events) : List.of();
    resources.addAll(deleteFailures.stream().map(Outcome::resource).toList());

    status.resources = resources;
    status.functions = functions(spec, ctx, result);
    releases.release(service, spec, status.functions, result.converged(LambdaFunctionKind.KIND), events);
    status.outputs = result.outputs();

    var failure = result.firstFailure().or(() -> deleteFailures.stream().findFirst());
    Duration next;
    if (failure.isPresent()) {
      Throwable error = failure.get().error();
      String reason = AwsErrors.reason(error);
      String message = failure.get().resource().kind + " " + failure.get().resource().physicalName + ": " + AwsErrors.message(error);
      metrics.reconciled("ServerlessService", reason);
      if (!AwsErrors.isRetryable(error)) {
        markTerminal(status, reason, message, generation);
        next = config.resyncPeriod();
      } else {
        boolean progressing = error instanceof SlipwayException;
        Conditions.set(status.conditions, Conditions.READY, false, reason, message, generation, clock);
        Conditions.set(status.conditions, Conditions.RECONCILING, true, progressing ? reason : Reasons.RETRYING_AFTER_ERROR, message, generation, clock);
        Conditions.set(status.conditions, Conditions.DEGRADED, !progressing, progressing ? Reasons.PROGRESSING : reason, progressing ? "" : message, generation, clock);
        Conditions.remove(status.conditions, Conditions.STALLED);
        next = backoff.next(service.getMetadata().getUid());
      }
    } else if (!result.notReady().isEmpty()) {
      // Nothing failed; resources are still becoming ready: look again when the soonest asked.
      backoff.reset(service.getMetadata().getUid());
      String message = "waiting for " + result.notReady().stream()
          .map(o -> o.resource().key() + " (" + o.notReady().awaited() + ")").collect(Collectors.joining(", "));
      Conditions.set(status.conditions, Conditions.READY, false, Reasons.PROGRESSING, message, generation, clock);
      Conditions.set(status.conditions, Conditions.RECONCILING, true, Reasons.PROGRESSING, message, generation, clock);
      Conditions.set(status.conditions, Conditions.DEGRADED, false, Reasons.PROGRESSING, "", generation, clock);
      Conditions.remove(status.conditions, Conditions.STALLED);
      metrics.reconciled("ServerlessService", Reasons.PROGRESSING);
      next = result.retryAfter().orElse(config.aws().retryInitialDelay());
    } else {
      backoff.reset(service.getMetadata().getUid());
      if (checkDefaults) {
        status.defaultsCheckedAt = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
      }
      Optional<String> conflict = outputsConfigMap.apply(service, status.outputs);
      if (conflict.isPresent()) {
        // AWS is in sync, but applications would mount someone else's data: not Ready. Looked at
        // again at the resync, so renaming or deleting the ConfigMap is enough.
        if (!conflict.get().equals(Conditions.find(old.conditions, Conditions.READY).map(c -> c.getMessage()).orElse(""))) {
          events.warning(Reasons.OUTPUTS_CONFLICT, conflict.get());
        }
        markTerminal(status, Reasons.OUTPUTS_CONFLICT, conflict.get(), generation);
        metrics.reconciled("ServerlessService", Reasons.OUTPUTS_CONFLICT);
      } else {
        String summary = resources.size() + " AWS resources in sync";
        Conditions.set(status.conditions, Conditions.READY, true, Reasons.CONVERGED, summary, generation, clock);
        Conditions.set(status.conditions, Conditions.RECONCILING, false, Reasons.CONVERGED, summary, generation, clock);
        Conditions.set(status.conditions, Conditions.DEGRADED, false, Reasons.CONVERGED, "", generation, clock);
        Conditions.remove(status.conditions, Conditions.STALLED);
        metrics.reconciled("ServerlessService", Reasons.CONVERGED);
      }
      next = config.resyncPeriod();
    }
    announce(service, old, status, permit, events);
    return finish(service, old, status, next);
  }

  /**
   * Whether this converge reads what the spec leaves at its default too: unless the service was
   * Ready for this very spec and the last such check is younger than the period. A default changed
   * by hand is undone within that period, not at the next resync; everything the spec sets still is
   * compared on every pass.
   */
  private boolean defaultsDue(ServerlessServiceStatus old, long generation) {
    boolean steady = old.observedGeneration != null && old.observedGeneration == generation
        && Conditions.find(old.conditions, Conditions.READY).filter(c -> "True".equals(c.getStatus())).isPresent();
    if (!steady || old.defaultsCheckedAt == null || config.defaultsCheckPeriod().isZero()) {
      return true;
    }
    try {
      return !Instant.parse(old.defaultsCheckedAt).plus(config.defaultsCheckPeriod()).isAfter(Instant.now(clock));
    } catch (java.time.DateTimeException e) {
      return true; // written by hand: check, and write a good one
    }
  }

  /**
   * A spec or tenancy refusal: terminal, no AWS call, and one Warning event per new message (not one
   * per resync). The service comes back when its spec or its tenancy changes.
   */
  private UpdateControl<ServerlessService> refuse(
      ServerlessService service, ServerlessServiceStatus old, ServerlessServiceStatus status, String reason, String message, KubernetesEvents events,
      TenancyRules.Verdict permit) {
    if (!message.equals(Conditions.find(old.conditions, Conditions.READY).map(c -> c.getMessage()).orElse(""))) {
      events.warning(reason, message);
    }
    markTerminal(status, reason, message, service.getMetadata().getGeneration());
    metrics.reconciled("ServerlessService", reason);
    announce(service, old, status, permit, events);
    return finish(service, old, status, null);
  }

  /**
   * Announces a transition of the Ready condition on the service's channels: ServiceReady when it
   * became True or is True for a new generation, ServiceDegraded when Degraded became True. Judged
   * from the status as stored, so neither a resync nor an operator restart repeats one. A service the
   * tenancy refuses altogether announces nothing: it may reach nothing outside the cluster.
   */
  private void announce(
      ServerlessService service, ServerlessServiceStatus old, ServerlessServiceStatus status, TenancyRules.Verdict permit, KubernetesEvents events) {
    transition(old, status).ifPresent(kind -> {
      Condition ready = Conditions.find(status.conditions, Conditions.READY).orElseThrow();
      announce(service, kind, ready.getReason(), ready.getMessage(), permit, events);
    });
  }

  /** What the Ready condition did between {@code old} and {@code now} that is worth announcing, if anything. */
  static Optional<ServiceEvent.Kind> transition(ServerlessServiceStatus old, ServerlessServiceStatus now) {
    if (Conditions.isTrue(now.conditions, Conditions.READY)) {
      Long generation = Conditions.find(now.conditions, Conditions.READY).orElseThrow().getObservedGeneration();
      boolean wasReady = Conditions.isTrue(old.conditions, Conditions.READY)
          && java.util.Objects.equals(Conditions.find(old.conditions, Conditions.READY).orElseThrow().getObservedGeneration(), generation);
      return wasReady ? Optional.empty() : Optional.of(ServiceEvent.Kind.ServiceReady);
    }
    boolean degraded = Conditions.isTrue(now.conditions, Conditions.DEGRADED) && !Conditions.isTrue(old.conditions, Conditions.DEGRADED);
    return degraded ? Optional.of(ServiceEvent.Kind.ServiceDegraded) : Optional.empty();
  }

  /** Sends {@code kind} to the channels of the service's notifications; a channel's failure is a Warning event, nothing more. */
  private void announce(ServerlessService service, ServiceEvent.Kind kind, String reason, String message, TenancyRules.Verdict permit, KubernetesEvents events) {
    var spec = service.getSpec();
    if (spec.notifications == null || !(permit instanceof TenancyRules.Permitted permitted)) {
      return;
    }
    var meta = service.getMetadata();
    var channels = notifiers.channels(meta.getNamespace(), spec.notifications, permitted.target(), permitted.outbound(), permitted.bounds());
    new Notifications(channels, registry, events).announce(new ServiceEvent(kind, meta.getNamespace(), meta.getName(), spec.stage, spec.region,
        meta.getGeneration(), reason, message,
        UpdateTriggers.annotation(meta, Slipway.COMMIT_ANNOTATION), UpdateTriggers.annotation(meta, Slipway.DEPLOYER_ANNOTATION)));
  }

  /**
   * A refused service makes no AWS call, except that what a tenancy grant, since taken away, gave the
   * service is taken back: otherwise its mappings would keep consuming the other team's messages, its
   * topics delivering into the queue, its functions sending failures there and its roles holding
   * statements on what the namespace may no longer reach, for as long as the service stays refused.
   * Each kind takes back its part ({@link dev.slipway.aws.AwsResourceKind#revoke}) from the resources
   * status records, if they are this service's; the converge restores everything once the grant
   * returns, as any drift. Only a service whose spec or status names a queue no longer granted, or
   * whose spec declares a statement no longer allowed, is looked at. The entries say what was taken
   * back; returns them, as kind and name.
   */
  private List<String> revoke(ServerlessServiceSpec spec, ServerlessService service, ServerlessServiceStatus old,
      ServerlessServiceStatus status, TenancyRules.Permitted permitted, EventSink events) {
    PolicyBounds bounds = permitted.bounds();
    Revoked revoked = new Revoked() {
      @Override
      public boolean queue(String arn) {
        return arn != null && arn.matches("arn:aws[a-z-]*:sqs:.*") && !bounds.grantsQueue(arn);
      }

      @Override
      public List<String> statement(List<String> actions, List<String> resources) {
        return bounds.statementBeyond(actions, resources);
      }
    };
    boolean named = bounds.refusesAQueue(spec) || bounds.refusesAStatement(spec) || status.resources.stream()
        .anyMatch(r -> EventSourceMappingKind.queueOf(r).or(() -> SnsSubscriptionKind.queueOf(r)).filter(revoked::queue).isPresent());
    if (named) {
      StackContext ctx = context(service, spec, old, permitted.target());
      for (ManagedResource r : status.resources) {
        AwsResourceKind<?, ?> kind = StackKinds.byName().get(r.kind);
        if (kind == null) {
          continue;
        }
        try {
          List<Revocation> taken = kind.revoke(ResourceLoop.regional(ctx, kind.info()), r, revoked);
          taken.forEach(t -> events.warning(Reasons.GRANT_REVOKED, t.message()));
          if (!taken.isEmpty()) {
            r.message = REVOKED + taken.stream().map(t -> lowerFirst(t.taken()) + " (" + t.grant() + ")").collect(Collectors.joining("; "))
                + ", as the namespace's SlipwayTenancy no longer grants it ("
                + taken.stream().map(Revocation::bound).distinct().collect(Collectors.joining(", ")) + ")";
          }
        } catch (RuntimeException e) {
          r.message = "not taken back, though the tenancy no longer grants what it names: " + AwsErrors.message(e);
          events.warning(AwsErrors.reason(e), "Taking back revoked grants from " + r.kind + " " + r.physicalName + ": " + AwsErrors.message(e));
        }
      }
    }
    // Stable across reconciles, so the condition (and its Warning) changes only with what is taken back.
    return status.resources.stream().filter(r -> r.message != null && r.message.startsWith(REVOKED)).map(r -> r.kind + " " + r.physicalName).toList();
  }

  /** What the message of a status entry starts with once a revoked queue grant was taken back from its resource. */
  private static final String REVOKED = "taken back: ";

  private static String lowerFirst(String s) {
    return Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  /**
   * The function entries of status, in spec order: what this run's functions published or recorded,
   * else what the previous status recorded (a function blocked this time keeps its versions).
   */
  private static List<FunctionStatus> functions(ServerlessServiceSpec spec, StackContext ctx, ResourceLoop.Result result) {
    Map<String, FunctionStatus> known = result.facts(LambdaFunctionKind.KIND, FunctionStatus.class);
    return spec.functions.stream()
        .map(f -> Optional.ofNullable(known.get(f.name)).or(() -> ctx.previousFunction(f.name).map(FunctionStatus::copy)).orElse(null))
        .filter(java.util.Objects::nonNull)
        .toList();
  }

  /**
   * A spec error or an AWS refusal that retrying cannot fix: reported (Stalled too, for kstatus and
   * Flux), and retried only at the resync period (the user may fix IAM without touching the spec) or
   * when the spec changes.
   */
  private void markTerminal(ServerlessServiceStatus status, String reason, String message, long generation) {
    Conditions.set(status.conditions, Conditions.READY, false, reason, message, generation, clock);
    Conditions.set(status.conditions, Conditions.RECONCILING, false, reason, "not retrying until the spec changes or the next resync", generation, clock);
    Conditions.set(status.conditions, Conditions.DEGRADED, true, reason, message, generation, clock);
    Conditions.set(status.conditions, Conditions.STALLED, true, reason, message, generation, clock);
  }

  private UpdateControl<ServerlessService> finish(
      ServerlessService service, ServerlessServiceStatus old, ServerlessServiceStatus status, Duration next) {
    UpdateControl<ServerlessService> control;
    if (Statuses.sameIgnoringTimes(old, status)) {
      control = UpdateControl.noUpdate();
    } else {
      control = UpdateControl.patchStatus(statusPatch(service, status));
    }
    return next == null ? control : control.rescheduleAfter(next);
  }

  /** What the tenancy allows this service: its AWS target, or why it may make no AWS call. */
  private TenancyRules.Verdict permit(ServerlessService service) {
    var spec = service.getSpec();
    return tenancy.decide(new TenancyRules.Request(
        "ServerlessService", service.getMetadata().getNamespace(), service.getMetadata().getName(), spec.region, spec.roleArn, null));
  }

  /** The context of one reconcile or cleanup of {@code service}, whose effective spec is {@code spec}. */
  private StackContext context(ServerlessService service, ServerlessServiceSpec spec, ServerlessServiceStatus old, AwsTarget target) {
    String namespace = service.getMetadata().getNamespace();
    return new StackContext(
        aws.forTarget(target),
        namespace,
        service.getMetadata().getName(),
        spec,
        old.resources,
        old.functions == null ? List.<FunctionStatus>of() : old.functions,
        new ServiceSecrets(client, service),
        adoption(service),
        config.iam().permissionsBoundary());
  }

  private static Adoption adoption(ServerlessService service) {
    Map<String, String> annotations = service.getMetadata().getAnnotations();
    return Adoption.parse(annotations == null ? null : annotations.get(Slipway.ADOPT_ANNOTATION));
  }

  /** Resources in the previous status that the spec no longer declares: deleted under Delete, forgotten under Retain. */
  private List<Outcome> removeDropped(
      ServerlessService service, StackContext ctx, List<ManagedResource> before, List<ManagedResource> now, EventSink events) {
    List<ManagedResource> dropped = before.stream().filter(r -> now.stream().noneMatch(r::sameResource)).toList();
    if (dropped.isEmpty()) {
      return List.of();
    }
    if (service.getSpec().deletionPolicy == DeletionPolicy.Delete) {
      return loop.deleteAll(ctx, dropped, StackKinds.byName(), events);
    }
    dropped.forEach(r -> events.normal("Retained", "Left " + r.kind + " " + r.physicalName + " in AWS (deletionPolicy Retain)"));
    return List.of();
  }

  /**
   * An exception escaped reconcile (the Kubernetes API refused a write, a bug): say so in status and
   * let JOSDK retry with its backoff. AWS failures never get here; the loop reports them itself.
   */
  @Override
  public ErrorStatusUpdateControl<ServerlessService> updateErrorStatus(
      ServerlessService service, Context<ServerlessService> context, Exception e) {
    LOG.errorf(e, "reconciling %s/%s failed", service.getMetadata().getNamespace(), service.getMetadata().getName());
    ServerlessServiceStatus status = Statuses.copy(service.getStatus() == null ? new ServerlessServiceStatus() : service.getStatus(), ServerlessServiceStatus.class);
    long generation = service.getMetadata().getGeneration();
    String message = e.getClass().getSimpleName() + ": " + e.getMessage();
    Conditions.set(status.conditions, Conditions.READY, false, Reasons.INTERNAL_ERROR, message, generation, clock);
    Conditions.set(status.conditions, Conditions.RECONCILING, true, Reasons.RETRYING_AFTER_ERROR, message, generation, clock);
    Conditions.set(status.conditions, Conditions.DEGRADED, true, Reasons.INTERNAL_ERROR, message, generation, clock);
    Conditions.remove(status.conditions, Conditions.STALLED);
    return ErrorStatusUpdateControl.patchStatus(statusPatch(service, status));
  }

  /** Only the status, under the object's name: what a server-side-apply status patch should carry. */
  private static ServerlessService statusPatch(ServerlessService service, ServerlessServiceStatus status) {
    ServerlessService patch = new ServerlessService();
    patch.setMetadata(new ObjectMetaBuilder().withName(service.getMetadata().getName()).withNamespace(service.getMetadata().getNamespace()).build());
    patch.setStatus(status);
    return patch;
  }

  @Override
  public DeleteControl cleanup(ServerlessService service, Context<ServerlessService> context) {
    Optional<ReconcileCapacity.Slot> slot = capacity.tryEnter(ReconcileCapacity.Lane.SERVICE);
    if (slot.isEmpty()) {
      metrics.deferred("ServerlessService");
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(capacity.requeue());
    }
    try (var held = slot.get()) {
      return metrics.timed("ServerlessService", () -> AwsCallRecorder.on(owner(service), () -> cleanupService(service, context)));
    }
  }

  private DeleteControl cleanupService(ServerlessService service, Context<ServerlessService> context) {
    var events = new KubernetesEvents(client, service, clock);
    ServerlessServiceStatus status = service.getStatus();
    var permit = permit(service);
    if (service.getSpec().deletionPolicy != DeletionPolicy.Delete || status == null || status.resources.isEmpty()) {
      String message = "AWS resources left in place (deletionPolicy " + service.getSpec().deletionPolicy + ")";
      events.normal("Retained", message);
      backoff.reset(service.getMetadata().getUid());
      announce(service, ServiceEvent.Kind.ServiceDeleted, "Retained", message, permit, events);
      return DeleteControl.defaultDelete();
    }
    if (permit instanceof TenancyRules.Refused refused) {
      // Deleting with an identity the tenancy refuses would be the same escape as creating with it;
      // keeping the finalizer would leave the object Terminating until an administrator steps in.
      events.warning(Reasons.NOT_PERMITTED, "AWS resources left in place: " + refused.message());
      backoff.reset(service.getMetadata().getUid());
      return DeleteControl.defaultDelete();
    }
    // No queue grant needed: deleting a mapping or a role only takes access away.
    StackContext ctx = context(service, FunctionDefaults.resolve(service.getSpec()), status, ((TenancyRules.Permitted) permit).target());
    List<Outcome> failures = loop.deleteAll(ctx, status.resources, StackKinds.byName(), events);
    if (failures.isEmpty()) {
      LOG.infof("deleted the AWS resources of %s/%s", service.getMetadata().getNamespace(), service.getMetadata().getName());
      backoff.reset(service.getMetadata().getUid());
      announce(service, ServiceEvent.Kind.ServiceDeleted, Reasons.DELETED, status.resources.size() + " AWS resources deleted", permit, events);
      return DeleteControl.defaultDelete();
    }
    boolean refused = failures.stream().anyMatch(f -> f.action() == ResourceLoop.Action.Failed);
    ServerlessServiceStatus stuck = refused ? deletionRefused(service, status, failures) : deletionUnderWay(service, status, failures);
    if (!Statuses.sameIgnoringTimes(status, stuck)) {
      ServerlessService patch = statusPatch(service, stuck);
      patch.getMetadata().setUid(service.getMetadata().getUid());
      PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(service, patch, context);
    }
    // A refusal backs off; a deletion AWS is carrying out is looked at again when it should be done.
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(refused ? backoff.next(service.getMetadata().getUid()) : failures.get(0).notReady().retryAfter());
  }

  /** The status of a deletion AWS is still carrying out (a distribution disabling): what is left, and what it waits for. */
  private ServerlessServiceStatus deletionUnderWay(ServerlessService service, ServerlessServiceStatus old, List<Outcome> left) {
    ServerlessServiceStatus status = Statuses.copy(old, ServerlessServiceStatus.class);
    List<ManagedResource> resources = new ArrayList<>(left.stream().map(Outcome::resource).toList());
    Collections.reverse(resources);
    status.resources = resources;
    Outcome waiting = left.get(0);
    String message = "deleting: waiting for " + waiting.notReady().awaited();
    long generation = service.getMetadata().getGeneration();
    Conditions.set(status.conditions, Conditions.READY, false, Reasons.DELETING, message, generation, clock);
    Conditions.set(status.conditions, Conditions.RECONCILING, true, Reasons.DELETING, message, generation, clock);
    Conditions.set(status.conditions, Conditions.DEGRADED, false, Reasons.DELETING, message, generation, clock);
    Conditions.remove(status.conditions, Conditions.STALLED);
    return status;
  }

  /**
   * The status of a deletion AWS refused in part: only what is left to delete stays in it (the next
   * attempt starts there, and one deleted meanwhile by someone else counts as done), and the
   * conditions name the first refusal and the way out, since the finalizer holds the object until
   * every deletion succeeds.
   */
  private ServerlessServiceStatus deletionRefused(ServerlessService service, ServerlessServiceStatus old, List<Outcome> failures) {
    ServerlessServiceStatus status = Statuses.copy(old, ServerlessServiceStatus.class);
    // deleteAll works last first; status lists resources in dependency order.
    List<ManagedResource> left = new ArrayList<>(failures.stream().map(Outcome::resource).toList());
    Collections.reverse(left);
    status.resources = left;
    Outcome first = failures.get(0);
    String reason = AwsErrors.reason(first.error());
    String message = "deleting " + first.resource().kind + " " + first.resource().physicalName + " failed (" + reason + "): "
        + AwsErrors.message(first.error()) + (failures.size() > 1 ? " (and " + (failures.size() - 1) + " more)" : "")
        + ". Retrying with backoff; the object stays until every AWS resource is deleted. To let it go and leave what is left in AWS,"
        + " set spec.deletionPolicy to Retain: kubectl patch sls " + service.getMetadata().getName() + " -n " + service.getMetadata().getNamespace()
        + " --type merge -p '{\"spec\":{\"deletionPolicy\":\"Retain\"}}'";
    long generation = service.getMetadata().getGeneration();
    Conditions.set(status.conditions, Conditions.READY, false, reason, message, generation, clock);
    Conditions.set(status.conditions, Conditions.RECONCILING, true, Reasons.RETRYING_AFTER_ERROR, message, generation, clock);
    Conditions.set(status.conditions, Conditions.DEGRADED, true, reason, message, generation, clock);
    Conditions.remove(status.conditions, Conditions.STALLED);
    return status;
  }
}
