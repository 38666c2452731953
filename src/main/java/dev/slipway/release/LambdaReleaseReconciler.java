package dev.slipway.release;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.CanaryPolicy;
import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.api.v1alpha1.Durations;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.Slipway;
import dev.slipway.aws.AwsCallRecorder;
import dev.slipway.aws.AwsClientFactory;
import dev.slipway.aws.AwsClients;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.kinds.LambdaVersions;
import dev.slipway.canary.Action;
import dev.slipway.canary.AliasState;
import dev.slipway.canary.Decision;
import dev.slipway.canary.ReleaseEvent;
import dev.slipway.canary.ReleaseInput;
import dev.slipway.canary.ReleaseMachine;
import dev.slipway.canary.ReleasePolicy;
import dev.slipway.canary.analysis.AnalysisContext;
import dev.slipway.canary.analysis.Analyzer;
import dev.slipway.canary.notify.NotifierChannels;
import dev.slipway.canary.notify.Notifications;
import dev.slipway.config.Shard;
import dev.slipway.config.SlipwayConfig;
import dev.slipway.metrics.OperatorMetrics;
import dev.slipway.net.OutboundPolicy;
import dev.slipway.reconciler.Backoff;
import dev.slipway.reconciler.KubernetesEvents;
import dev.slipway.reconciler.ReconcileCapacity;
import dev.slipway.reconciler.UpdateTriggers;
import dev.slipway.status.Conditions;
import dev.slipway.status.Reasons;
import dev.slipway.tenancy.PolicyBounds;
import dev.slipway.tenancy.TenancyRules;
import dev.slipway.tenancy.TenancyWatch;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.health.Status;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkiverse.operatorsdk.runtime.api.ConfigurableReconciler;
import jakarta.inject.Inject;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Drives one LambdaRelease through the {@link ReleaseMachine}: each decision's status is stored
 * before its action touches AWS, so an operator stopped at any point resumes from status without
 * repeating or skipping a step. One release per alias runs at a time: a newer release for the same
 * alias supersedes a running one, and waits until it has stopped.
 */
// ReleaseTriggers is generation-aware itself and also lets a change of reconcile-requested-at through.
@ControllerConfiguration(
    name = "lambdarelease",
    generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = ReleaseTriggers.class))
// Reconciler named as well: plain JOSDK (a hand-built operator) reads the resource type from it.
public class LambdaReleaseReconciler implements Reconciler<LambdaRelease>, ConfigurableReconciler<LambdaRelease>, Cleaner<LambdaRelease> {

  private static final Logger LOG = Logger.getLogger(LambdaReleaseReconciler.class);
  /** Decisions per reconcile; a release needs at most a handful (publish, shift, analyse) before it waits. */
  private static final int MAX_DECISIONS = 16;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How soon to look again while an older release for the same alias is still stopping. */
  private static final Duration SIBLING_WAIT = Duration.ofSeconds(5);
  /** How long a deleted release keeps trying to put its alias back before it lets go. */
  static final Duration DELETION_BOUND = Duration.ofMinutes(2);

  private final KubernetesClient client;
  private final AwsClientFactory aws;
  private final SlipwayConfig config;
  private final Clock clock;
  private final OperatorMetrics metrics;
  private final MeterRegistry registry;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final NotifierChannels notifiers;
  private final ReleaseHistory history;
  private final ReleaseHooks hooks;
  private volatile InformerEventSource<LambdaRelease, LambdaRelease> releases;
  /** Services by namespace and name, to find the alias a service release moves without an API call. */
  private InformerEventSource<ServerlessService, LambdaRelease> services;
  private final TenancyWatch<LambdaRelease> tenancy = new TenancyWatch<>();
  private final ReconcileCapacity capacity;
  private final Shard shard;
  /** Consecutive retryable AWS failures per release uid, for {@link #retryLater}. */
  private final Backoff backoff;

  /** A reconciler with no bound on its reconciles (one a test builds by hand). */
  public LambdaReleaseReconciler(
      KubernetesClient client, AwsClientFactory aws, SlipwayConfig config, Clock clock, OperatorMetrics metrics, MeterRegistry registry) {
    this(client, aws, config, clock, metrics, registry, ReconcileCapacity.unbounded());
  }

  /** The operator's: each reconcile takes its lane of the reconciler threads ({@link ReleaseLanes}) or is deferred. */
  @Inject
  public LambdaReleaseReconciler(
      KubernetesClient client, AwsClientFactory aws, SlipwayConfig config, Clock clock, OperatorMetrics metrics, MeterRegistry registry,
      ReconcileCapacity capacity) {
    this.capacity = capacity;
    this.client = client;
    this.aws = aws;
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
    this.registry = registry;
    this.notifiers = new NotifierChannels(client, aws, http);
    this.history = new ReleaseHistory(client, config.releases().historyLimit(), config.releases().retention(), clock);
    this.hooks = new ReleaseHooks(client, http, tenancy::decide);
    this.backoff = new Backoff(config.aws().retryInitialDelay(), config.aws().retryMaxDelay());
    this.shard = Shard.of(config);
  }

  /** Only the shard's releases; one whose service is in another shard is handed to it ({@link #handedOver}). */
  @Override
  public void updateConfigurationFrom(ControllerConfigurationOverrider<LambdaRelease> configuration) {
    shard.narrow(configuration);
  }

  /**
   * Releases of one alias wake each other: a new release wakes the running one (which then stops as
   * Superseded), and a release that stops wakes the one waiting for it. The tenancy informers
   * re-evaluate releases when what their namespace may do changes. The service informer serves the
   * lookups of which alias a service release moves, and wakes the running releases of a service
   * whose spec changed.
   */
  @Override
  public List<EventSource<?, LambdaRelease>> prepareEventSources(EventSourceContext<LambdaRelease> context) {
    var configuration =
        InformerEventSourceConfiguration.from(LambdaRelease.class, LambdaRelease.class)
            .withName("sibling-releases")
            .withSecondaryToPrimaryMapper(this::siblingsOf)
            .build();
    releases = new InformerEventSource<>(configuration, context);
    // Serves the alias lookups of service releases, and wakes a service's running releases when its spec
    // changes: they may now resolve elsewhere, and say so at once (TargetChanged); or when it moves to
    // another shard: they follow it.
    services = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(ServerlessService.class, LambdaRelease.class)
            .withName("release-services")
            .withSecondaryToPrimaryMapper(this::runningReleasesOf)
            .withOnUpdateFilter((now, before) -> !java.util.Objects.equals(now.getMetadata().getGeneration(), before.getMetadata().getGeneration())
                || !Shard.same(now, before))
            .build(),
        context);
    List<EventSource<?, LambdaRelease>> sources = new java.util.ArrayList<>(tenancy.eventSources(context));
    sources.add(releases);
    sources.add(services);
    return sources;
  }

  /** The namespace's releases as the informer has them, empty until it has synced (a reader then lists them itself). */
  public Optional<List<LambdaRelease>> cached(String namespace) {
    InformerEventSource<LambdaRelease, LambdaRelease> cache = releases;
    return cache != null && cache.getStatus() == Status.HEALTHY ? Optional.of(cache.list(namespace, r -> true).toList()) : Optional.empty();
  }

  private Set<ResourceID> runningReleasesOf(ServerlessService service) {
    if (releases == null) {
      return Set.of();
    }
    String ns = service.getMetadata().getNamespace();
    String name = service.getMetadata().getName();
    return releases.list(r -> ns.equals(r.getMetadata().getNamespace()) && name.equals(r.getSpec().service)
            && (r.getStatus() == null || r.getStatus().finishTime == null))
        .map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  private Set<ResourceID> siblingsOf(LambdaRelease r) {
    if (releases == null) {
      return Set.of();
    }
    return siblings(r).map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  /**
   * The other releases of the alias {@code r} moves, however they name it (service and function,
   * functionName by name or ARN): those with the same {@link ReleaseTarget.AliasKey}, or, when a
   * key cannot be resolved (service gone), those of the namespace that name it the same way.
   * Across namespaces two releases compete only if the tenancy permits each of them that alias: one
   * that may make no AWS call must not supersede or hold up another team's release, nor wait for one.
   */
  private java.util.stream.Stream<LambdaRelease> siblings(LambdaRelease r) {
    String ns = r.getMetadata().getNamespace();
    String name = r.getMetadata().getName();
    String specKey = ReleaseTarget.specKey(r);
    Optional<ReleaseTarget.AliasKey> key = aliasKey(r);
    boolean selfPermitted = key.isPresent() && permitted(r);
    return releases.list(o -> {
      boolean sameNamespace = ns.equals(o.getMetadata().getNamespace());
      if (sameNamespace && name.equals(o.getMetadata().getName())) {
        return false;
      }
      if (sameNamespace && specKey.equals(ReleaseTarget.specKey(o))) {
        return true;
      }
      if (key.isEmpty() || !key.equals(aliasKey(o))) {
        return false;
      }
      return sameNamespace || (selfPermitted && permitted(o));
    });
  }

  private Optional<ReleaseTarget.AliasKey> aliasKey(LambdaRelease r) {
    return ReleaseTarget.aliasKey(r, (ns, svc) -> services == null ? null : services.get(new ResourceID(svc, ns)).orElse(null));
  }

  /** Whether the tenancy lets {@code r} at its target, as {@link #permit} decides it when {@code r} runs. */
  private boolean permitted(LambdaRelease r) {
    try {
      ReleaseTarget t = ReleaseTarget.current((ns, svc) -> services.get(new ResourceID(svc, ns)).orElse(null), r);
      return permit(r, t) instanceof TenancyRules.Permitted;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public UpdateControl<LambdaRelease> reconcile(LambdaRelease release, Context<LambdaRelease> context) {
    if (handedOver(release)) {
      return UpdateControl.noUpdate();
    }
    // Ordinary release work past its bound waits its turn; a rollback or final alias move never does.
    Optional<ReconcileCapacity.Slot> slot = capacity.tryEnter(ReleaseLanes.of(release));
    if (slot.isEmpty()) {
      metrics.deferred("LambdaRelease");
      return UpdateControl.<LambdaRelease>noUpdate().rescheduleAfter(capacity.requeue());
    }
    try (var held = slot.get()) {
      return metrics.timed("LambdaRelease", () -> {
        LambdaRelease handled = requestHandled(release, context);
        // After a restart the series come back from status, before anything is decided.
        observed(handled, handled.getStatus());
        Outcome outcome = AwsCallRecorder.on(owner(release), () -> progressed(handled, reconcileRelease(handled, context)));
        metrics.reconciled("LambdaRelease", outcome.done() ? "Done" : outcome.retrying() ? Reasons.RETRYING_AFTER_ERROR : Reasons.PROGRESSING);
        return outcome.update();
      });
    }
  }

  /**
   * A release goes with its service: one of a service in another shard (relabelled since, or created
   * by hand without the label) is given the service's label and left alone here, and the service's
   * shard picks it up where its status says, as after a restart. So one shard moves a service's alias,
   * and the release's own label never has to be kept in step by hand.
   */
  private boolean handedOver(LambdaRelease release) {
    if (!shard.sharded() || release.getSpec().service == null || services == null) {
      return false;
    }
    Optional<ServerlessService> service = services.get(new ResourceID(release.getSpec().service, release.getMetadata().getNamespace()));
    if (service.isEmpty() || Shard.same(service.get(), release)) {
      return false;
    }
    Optional<String> to = Shard.of(service.get());
    Map<String, String> label = new java.util.HashMap<>();
    label.put(Slipway.SHARD_LABEL, to.orElse(null));
    client.resources(LambdaRelease.class).inNamespace(release.getMetadata().getNamespace()).withName(release.getMetadata().getName())
        .patch(PatchContext.of(PatchType.JSON_MERGE), client.getKubernetesSerialization().asJson(Map.of("metadata", Map.of("labels", label))));
    new KubernetesEvents(client, release, clock).normal(Reasons.HANDED_OVER, "ServerlessService " + release.getSpec().service + " is in "
        + to.map(v -> "shard " + v).orElse("the unlabelled shard") + "; the release goes on there");
    metrics.forget(key(release));
    return true;
  }

  /** A running release's phase, and its weight if no shift has set one since the operator started. */
  private void observed(LambdaRelease release, LambdaReleaseStatus status) {
    if (status == null || status.phase == null || status.finishTime != null) {
      return;
    }
    OperatorMetrics.ReleaseKey key = key(release);
    metrics.phase(key, status.phase);
    if (status.weight != null && status.function != null && !metrics.hasWeight(key)) {
      metrics.canaryWeight(key, status.function, status.weight);
    }
  }

  /**
   * Records a new {@code slipway.dev/reconcile-requested-at} value as handled, before the release is
   * looked at: one status write only when the value changed, and the release as stored goes on.
   * On a conflict the release changed meanwhile, and the reconcile its change starts records it.
   */
  private LambdaRelease requestHandled(LambdaRelease release, Context<LambdaRelease> context) {
    String requested = UpdateTriggers.annotation(release.getMetadata(), Slipway.RECONCILE_REQUESTED_AT);
    LambdaReleaseStatus status = release.getStatus();
    if (requested == null || status != null && requested.equals(status.lastHandledReconcileAt)) {
      return release;
    }
    LambdaReleaseStatus handled = status == null ? new LambdaReleaseStatus() : JSON.convertValue(status, LambdaReleaseStatus.class);
    handled.lastHandledReconcileAt = requested;
    try {
      return storeStatus(release, handled, context);
    } catch (StatusConflict conflict) {
      return release;
    }
  }

  /** Any outcome but another retryable failure ends the run of failures: the next one starts the backoff anew. */
  private Outcome progressed(LambdaRelease release, Outcome outcome) {
    if (!outcome.retrying()) {
      backoff.reset(release.getMetadata().getUid());
    }
    return outcome;
  }

  /**
   * A release being deleted mid-release puts the alias back on the stable version before the
   * finalizer goes, as Flagger's {@code revertOnDeletion}. Bounded: an alias that cannot be reached
   * (function, alias or service gone) is nothing to restore, and one that still cannot be set
   * {@link #DELETION_BOUND} after the deletion began is left with a Warning event saying where it is.
   */
  @Override
  public DeleteControl cleanup(LambdaRelease release, Context<LambdaRelease> context) {
    DeleteControl control = metrics.timed("LambdaRelease", () -> AwsCallRecorder.on(owner(release), () -> cleanupRelease(release, context)));
    if (control.isRemoveFinalizer()) {
      // Also a release that goes without finishing (its alias abandoned) takes its series with it.
      metrics.forget(key(release));
    }
    return control;
  }

  /** How the AWS call log names a release. */
  private static String owner(LambdaRelease release) {
    return "LambdaRelease/" + name(release);
  }

  private DeleteControl cleanupRelease(LambdaRelease release, Context<LambdaRelease> context) {
    LambdaReleaseStatus status = release.getStatus();
    if (status == null || status.phase == null || status.finishTime != null) {
      return DeleteControl.defaultDelete();
    }
    var events = new KubernetesEvents(client, release, clock);
    ReleaseMachine machine = machine();
    CanaryPolicySpec policy;
    try {
      policy = policySpec(release);
    } catch (SlipwayException e) {
      policy = null;
    }
    ReleaseInput in = input(release, null, ReleasePolicy.of(policy));
    Outcome outcome;
    try {
      // Pinned: a release garbage-collected with its deleted service still knows its alias.
      ReleaseTarget target = target(release);
      // The tenancy bounds the clean-up too: a refused target gets no AWS call, not even a rollback.
      var verdict = permit(release, target);
      if (verdict instanceof TenancyRules.Refused refused) {
        return abandon(release, events, refused.message());
      }
      var permitted = (TenancyRules.Permitted) verdict;
      target = target.withAws(permitted.target());
      AwsClients clients = aws.forTarget(target.aws());
      LambdaVersions versions = new LambdaVersions(clients.lambda());
      Run run = new Run(release, target, versions, clients, policy, permitted.outbound());
      in = input(release, target, in.policy()).withObserved(run.readAlias().map(LambdaReleaseReconciler::observed).orElse(null));
      outcome = drive(release, context, machine::delete, machine, in, run, events);
    } catch (SlipwayException e) {
      // Not started, and no target to resolve (service or function gone from it): no alias to restore.
      outcome = drive(release, context, machine::delete, machine, in, null, events);
    } catch (RuntimeException e) {
      if (!AwsErrors.isRetryable(e)) {
        return abandon(release, events, AwsErrors.message(e));
      }
      outcome = retryLater(release, e);
    }
    progressed(release, outcome);
    if (outcome.done()) {
      return DeleteControl.defaultDelete();
    }
    Instant since = Instant.parse(release.getMetadata().getDeletionTimestamp());
    if (!clock.instant().isBefore(since.plus(DELETION_BOUND))) {
      return abandon(release, events, "still not set " + Durations.format(DELETION_BOUND) + " after the deletion began");
    }
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(outcome.again() == null ? config.aws().retryInitialDelay() : outcome.again());
  }

  /** Lets a deleted release go without its alias restored, and says where the alias was left. */
  private DeleteControl abandon(LambdaRelease release, KubernetesEvents events, String why) {
    LambdaReleaseStatus s = release.getStatus();
    String message = "deleted without restoring alias " + s.function + ":" + s.alias + " (" + why + "); it was last set to stable "
        + s.stableVersion + " + canary " + s.canaryVersion + "@" + s.weight + "%: set it with aws lambda update-alias --function-name "
        + s.function + " --name " + s.alias + " --function-version " + s.stableVersion + " --routing-config AdditionalVersionWeights={}";
    LOG.warnf("release %s %s", name(release), message);
    events.warning(Reasons.ALIAS_NOT_RESTORED, message);
    return DeleteControl.defaultDelete();
  }

  private ReleaseMachine machine() {
    return new ReleaseMachine(clock, config.releases().analysisHistory(), config.aws().retryInitialDelay(), config.aws().retryMaxDelay());
  }

  /** The machine's input before AWS is read: the target as resolved, or as the spec names it. */
  private static ReleaseInput input(LambdaRelease release, ReleaseTarget target, ReleasePolicy policy) {
    var spec = release.getSpec();
    LambdaReleaseStatus status = release.getStatus();
    String function = target != null ? target.functionName()
        : status != null && status.function != null ? status.function
        : spec.functionName != null ? spec.functionName : spec.service + "/" + spec.function;
    String alias = target != null ? target.alias() : status == null ? null : status.alias;
    var controls = ReleaseInput.Controls.of(spec);
    if (release.isMarkedForDeletion()) {
      // A release on its way out starts no new attempt.
      controls = new ReleaseInput.Controls(controls.paused(), controls.promote(), controls.abort(), controls.approvedStep(), 0);
    }
    return ReleaseInput.of(
        release.getMetadata().getName(), release.getMetadata().getGeneration(), function, alias, controls, policy, status, null);
  }

  private Outcome reconcileRelease(LambdaRelease release, Context<LambdaRelease> context) {
    LambdaReleaseStatus status = release.getStatus();
    boolean finished = status != null && status.phase != null && status.phase.isFinal() && status.finishTime != null;
    if (finished && !ReleaseMachine.retryAsked(ReleaseInput.Controls.of(release.getSpec()), status)) {
      return kept(release);
    }
    var events = new KubernetesEvents(client, release, clock);
    ReleaseMachine machine = machine();
    // Until the target resolves, status names the function as the spec does.
    ReleaseInput in = input(release, null, ReleasePolicy.of(null));

    // A release that stored a final phase is not superseded: it goes on below to apply that phase's
    // alias (a pending rollback), and the newer release waits for its finishTime.
    boolean finalPhase = status != null && status.phase != null && status.phase.isFinal();
    boolean retry = finalPhase && ReleaseMachine.retryAsked(in.controls(), status);
    Optional<String> newer = newerRelease(release, retry);
    if (newer.isPresent() && !finalPhase) {
      return drive(release, context, x -> machine.supersede(x, newer.get()), machine, in, null, events);
    }
    if (newer.isPresent() && retry) {
      // Before anything else could refuse it: the newer release owns the alias now.
      return drive(release, context, x -> machine.decide(x.withNewerRelease(newer.get())), machine, in, null, events);
    }
    Optional<LambdaRelease> running = olderRunningSibling(release);
    if (running.isPresent()) {
      LOG.infof("release %s waits for %s to stop", name(release), running.get().getMetadata().getName());
      return new Outcome(false, SIBLING_WAIT);
    }

    ReleaseTarget target;
    try {
      target = target(release);
    } catch (SlipwayException e) {
      return drive(release, context, x -> machine.fail(x, e.reason(), e.getMessage()), machine, in, null, events);
    }
    var permit = permit(release, target);
    if (permit instanceof TenancyRules.Refused refused) {
      // No AWS call: without a usable target not even a rollback of what the release shifted.
      return drive(release, context, x -> machine.fail(x, Reasons.NOT_PERMITTED, refused.message()), machine, in, null, events);
    }
    var permitted = (TenancyRules.Permitted) permit;
    target = target.withAws(permitted.target());
    OutboundPolicy outbound = permitted.outbound();
    AwsClients clients = aws.forTarget(target.aws());
    LambdaVersions versions = new LambdaVersions(clients.lambda());
    in = input(release, target, in.policy());
    if (status == null || status.phase == null) {
      // Not started: a policy the tenancy does not allow fails it with no AWS call at all.
      Optional<String> refused = policyRefusal(release, permitted, target);
      if (refused.isPresent()) {
        return drive(release, context, x -> machine.fail(x, Reasons.NOT_PERMITTED, refused.get()), machine, in, null, events);
      }
    }
    // One Run for this reconcile: it carries the alias's RevisionId from this read to the UpdateAlias.
    Run bare = new Run(release, target, versions, clients, null, outbound);
    try {
      Optional<LambdaVersions.AliasRouting> alias = bare.readAlias();
      if (alias.isEmpty()) {
        boolean exists = functionExists(clients, target.functionName());
        String missing = exists ? Reasons.ALIAS_NOT_FOUND : Reasons.FUNCTION_NOT_FOUND;
        String why = exists
            ? "function " + target.functionName() + " has no alias " + target.alias()
            : "function " + target.functionName() + " does not exist in " + target.aws().region();
        return drive(release, context, x -> machine.fail(x, missing, why), machine, in, null, events);
      }
      in = in.withObserved(observed(alias.get()));
      CanaryPolicySpec policySpec;
      try {
        policySpec = policySpec(release);
        in = in.withPolicy(ReleasePolicy.of(policySpec));
      } catch (SlipwayException e) {
        // The target is known, so a published canary can still be rolled back.
        return drive(release, context, x -> machine.fail(x, e.reason(), e.getMessage()), machine, in, bare, events);
      }
      Optional<String> refused = policyRefusal(release, permitted, target);
      if (refused.isPresent()) {
        // A tenancy narrowed mid-release: roll back what was shifted, and notify no channel the tenancy refuses.
        return drive(release, context, x -> machine.fail(x, Reasons.NOT_PERMITTED, refused.get()), machine, in, bare, events);
      }
      in = in.withStatus(pinned(release, target, policySpec));
      return drive(release, context, machine::decide, machine, in, new Run(release, target, versions, clients, policySpec, outbound, bare.aliasRevision()), events);
    } catch (RuntimeException e) {
      if (!AwsErrors.isRetryable(e)) {
        LOG.warnf("release %s failed: %s", name(release), AwsErrors.message(e));
        return drive(release, context, x -> machine.fail(x, AwsErrors.reason(e), AwsErrors.message(e)), machine, in, bare, events);
      }
      return retryLater(release, e);
    }
  }

  /** Whether {@code next} holds a pin or a TargetChanged condition that {@code stored} does not: the machine does not see those as changes. */
  private static boolean reconcilerAdded(LambdaReleaseStatus stored, LambdaReleaseStatus next) {
    if (stored == null) {
      return true;
    }
    java.util.function.Function<LambdaReleaseStatus, Object> targetChanged = st ->
        Conditions.find(st.conditions, Reasons.TARGET_CHANGED).map(c -> c.getStatus() + " " + c.getMessage()).orElse(null);
    return !java.util.Objects.equals(JSON.valueToTree(stored.target), JSON.valueToTree(next.target))
        || !java.util.Objects.equals(JSON.valueToTree(stored.policy), JSON.valueToTree(next.policy))
        || !java.util.Objects.equals(targetChanged.apply(stored), targetChanged.apply(next));
  }

  /** The target: pinned in status once the release started, resolved from the spec (and its service) before. */
  private ReleaseTarget target(LambdaRelease release) {
    return ReleaseTarget.current((ns, svc) -> client.resources(ServerlessService.class).inNamespace(ns).withName(svc).get(), release);
  }

  /**
   * The status the machine decides from, with the target and policy pinned (the first time) and a
   * service that now resolves elsewhere reported: its change applies to the next release.
   */
  private LambdaReleaseStatus pinned(LambdaRelease release, ReleaseTarget target, CanaryPolicySpec policy) {
    LambdaReleaseStatus status = release.getStatus() == null ? new LambdaReleaseStatus() : JSON.convertValue(release.getStatus(), LambdaReleaseStatus.class);
    if (status.target == null) {
      status.target = target.pin();
      status.policy = PolicySnapshot.of(policy);
      return status;
    }
    Optional<String> moved = serviceMovedFrom(release, target);
    if (moved.isPresent()) {
      Conditions.set(status.conditions, Reasons.TARGET_CHANGED, true, Reasons.TARGET_CHANGED, moved.get(), release.getMetadata().getGeneration(), clock);
    } else {
      status.conditions.removeIf(c -> Reasons.TARGET_CHANGED.equals(c.getType()));
    }
    return status;
  }

  /** Why the release's service no longer resolves to the pinned alias, if it does not (edited or deleted). */
  private Optional<String> serviceMovedFrom(LambdaRelease release, ReleaseTarget pinned) {
    if (release.getSpec().service == null) {
      return Optional.empty(); // a functionName release names its target itself, and cannot change it
    }
    String now;
    try {
      ReleaseTarget resolved = ReleaseTarget.resolve(client, release);
      if (resolved.key().equals(pinned.key()) && resolved.aws().roleArn().equals(pinned.aws().roleArn())) {
        return Optional.empty();
      }
      now = "now resolves to " + resolved.key() + resolved.aws().roleArn().map(r -> " with role " + r).orElse("");
    } catch (SlipwayException e) {
      now = "no longer resolves (" + e.getMessage() + ")";
    }
    return Optional.of("ServerlessService " + release.getSpec().service + " " + now + "; this release goes on with "
        + pinned.key() + ", as it started, and the change applies to the next release");
  }

  /** Why the tenancy does not let this release's policy read or publish to what it names, if it does not. */
  private Optional<String> policyRefusal(LambdaRelease release, TenancyRules.Permitted permitted, ReleaseTarget target) {
    CanaryPolicySpec policy;
    try {
      policy = policySpec(release);
    } catch (SlipwayException e) {
      return Optional.empty(); // a missing policy fails the release on its own, with its own reason
    }
    var ownAlarms = target.serviceAlarms().map(Map::values).orElse(List.of());
    return permitted.bounds().refusal(policy, target.functionName(), ownAlarms)
        .map(why -> "LambdaRelease " + name(release) + " is not permitted: " + why);
  }

  /** What the tenancy allows this release's target. */
  private TenancyRules.Verdict permit(LambdaRelease release, ReleaseTarget target) {
    return tenancy.decide(new TenancyRules.Request(
        "LambdaRelease", release.getMetadata().getNamespace(), release.getMetadata().getName(),
        target.aws().region(), target.aws().roleArn().orElse(null), release.getSpec().service == null ? target.functionName() : null));
  }

  /** What one reconcile needs to perform actions against AWS. */
  private record Run(
      LambdaRelease release, ReleaseTarget target, LambdaVersions versions, AwsClients clients, CanaryPolicySpec policy, OutboundPolicy outbound,
      AtomicReference<String> aliasRevision) {

    Run(LambdaRelease release, ReleaseTarget target, LambdaVersions versions, AwsClients clients, CanaryPolicySpec policy, OutboundPolicy outbound) {
      this(release, target, versions, clients, policy, outbound, new AtomicReference<>());
    }

    Run withRelease(LambdaRelease r) {
      return new Run(r, target, versions, clients, policy, outbound, aliasRevision);
    }

    /** The alias as AWS shows it now; remembers its RevisionId, which fences the next UpdateAlias. */
    Optional<LambdaVersions.AliasRouting> readAlias() {
      Optional<LambdaVersions.AliasRouting> alias = versions.readAlias(target.functionName(), target.alias());
      aliasRevision.set(alias.map(LambdaVersions.AliasRouting::revisionId).orElse(null));
      return alias;
    }
  }

  /**
   * How driving a release ended: {@code done} once its final phase is confirmed; otherwise look
   * again after {@code again} (null: nothing is due before the spec changes or the resync);
   * {@code retrying} after a retryable AWS failure, whose delay grows with each one in a row.
   */
  private record Outcome(boolean done, Duration again, boolean retrying) {
    static final Outcome DONE = new Outcome(true, null);

    Outcome(boolean done, Duration again) {
      this(done, again, false);
    }

    UpdateControl<LambdaRelease> update() {
      return again == null ? UpdateControl.noUpdate() : UpdateControl.<LambdaRelease>noUpdate().rescheduleAfter(again);
    }
  }

  /**
   * Stores each decision's status, announces its events, performs its action and decides again,
   * until the release waits, holds or is done. With {@code run} null only decisions that need no AWS
   * call (fail, supersede without a shift) can be carried out.
   *
   * <p>{@code decider} makes the decision from an input; when the status write finds the release
   * changed since it was read (409: a user's pause or abort, another replica's status), the same
   * decider decides again from the release as the API server has it now, so no decision taken on a
   * stale read reaches AWS.
   */
  private Outcome drive(
      LambdaRelease release, Context<LambdaRelease> context, Function<ReleaseInput, Decision> decider, ReleaseMachine machine,
      ReleaseInput in, Run run, KubernetesEvents events) {
    LambdaRelease current = release;
    Decision decision = decider.apply(in);
    for (int i = 0; i < MAX_DECISIONS; i++) {
      // The reconciler, not the machine, adds the pin and TargetChanged to the input's status: stored when new.
      if (decision.statusChanged() || reconcilerAdded(current.getStatus(), decision.status())) {
        try {
          current = storeStatus(current, decision.status(), context);
          observed(current, current.getStatus());
        } catch (StatusConflict conflict) {
          LambdaRelease fresh = reread(current);
          if (fresh == null) {
            return new Outcome(false, null);
          }
          LOG.infof("release %s changed since it was read: deciding again", name(current));
          in = refreshed(in, current, fresh, run);
          run = run == null ? null : run.withRelease(fresh);
          current = fresh;
          decision = decider.apply(in);
          continue;
        }
      }
      announce(current, decision.events(), run, events);
      Action action = decision.action();
      if (action instanceof Action.Wait w) {
        return new Outcome(false, w.delay().isNegative() ? Duration.ZERO : w.delay());
      }
      if (action instanceof Action.Hold) {
        return new Outcome(false, null);
      }
      if (action instanceof Action.Done) {
        finished(current);
        return kept(current);
      }
      if (run == null) {
        // A failed or superseded release whose alias still needs setting, with no usable target: retry.
        return new Outcome(false, config.aws().retryInitialDelay());
      }
      in = in.withStatus(decision.status());
      try {
        in = perform(action, in, run);
        decider = machine::decide;
        decision = decider.apply(in);
      } catch (RuntimeException e) {
        if (action instanceof Action.SetAlias && AwsErrors.isPreconditionFailed(e)) {
          // The alias changed since it was read: read the alias and the release again and decide
          // from what is there now (another replica may have moved both on), rather than retry the
          // stale write or count it as a refusal.
          LambdaRelease fresh = reread(current);
          if (fresh == null) {
            return new Outcome(false, null);
          }
          LOG.infof("release %s: alias %s:%s changed since it was read, deciding again", name(current), run.target().functionName(), in.alias());
          Optional<LambdaVersions.AliasRouting> alias = run.readAlias();
          run = run.withRelease(fresh);
          decider = machine::decide;
          in = refreshed(in, current, fresh, run).withObserved(alias.map(LambdaReleaseReconciler::observed).orElse(null));
          current = fresh;
          decision = decider.apply(in);
          continue;
        }
        if (AwsErrors.isRetryable(e)) {
          return retryLater(current, e);
        }
        // A refused alias update backs off and, in the end, reports RollbackFailed; unreadable code
        // and the like: the release cannot go on, and rolls back what it shifted.
        String reason = AwsErrors.reason(e);
        String message = AwsErrors.message(e);
        decider = action instanceof Action.SetAlias ? x -> machine.aliasRefused(x, reason, message) : x -> machine.fail(x, reason, message);
        decision = decider.apply(in);
      }
    }
    return new Outcome(false, Duration.ofSeconds(1));
  }

  private ReleaseInput perform(Action action, ReleaseInput in, Run run) {
    String function = run.target().functionName();
    if (action instanceof Action.Publish) {
      var spec = run.release().getSpec();
      if (spec.rollbackTo != null) {
        return in.withPublished(shippedBy(run.release()));
      }
      requireReadable(run.clients(), function, spec.code);
      return in.withPublished(run.versions().ensureVersion(function, spec.code));
    }
    if (action instanceof Action.SetAlias set) {
      AliasState t = set.target();
      ProvisionedConcurrency.beforeShift(run.clients().lambda(), function, in.alias(), t);
      // Fenced with the RevisionId of the alias as last read: a replica that lost the lease, or a
      // decision taken before someone else moved the alias, fails here instead of overwriting.
      String revision = run.aliasRevision().get();
      var routing = t.additionalVersion() == null
          ? run.versions().pointAt(function, in.alias(), t.version(), revision)
          : run.versions().route(function, in.alias(), t.version(), t.additionalVersion(), t.weight(), revision);
      run.aliasRevision().set(routing.revisionId());
      ProvisionedConcurrency.afterShift(run.clients().lambda(), function, in.alias(), in.status().stableVersion, t);
      // The weight the release reports (100 once promoted), not the alias's additional-version share.
      metrics.canaryWeight(key(run.release()), function, in.status().weight == null ? t.weight() : in.status().weight);
      return in.withObserved(observed(routing));
    }
    if (action instanceof Action.RunAnalysis analysis) {
      var ctx = new AnalysisContext(
          function, in.alias(), in.status().canaryVersion, in.status().stableVersion,
          run.target().apiName().orElse(null), run.target().apiStage().orElse(null), run.target().serviceAlarms().orElse(null),
          clock.instant(), analysis.window());
      var results = new Analyzer(run.clients().cloudWatch(), http, run.outbound()).run(in.policy().metrics(), ctx);
      results.forEach(r -> metrics.analysis(key(run.release()), r));
      return in.withAnalysis(results);
    }
    if (action instanceof Action.RunHook h) {
      var hook = in.policy().hooks(h.stage()).stream().filter(x -> x.name.equals(h.name())).findFirst().orElseThrow();
      return in.withHook(hooks.run(hook, h.stage(), run.release(), run.target(), run.clients(), run.outbound(), in.status()));
    }
    throw new IllegalStateException("no way to perform " + action);
  }

  /**
   * The version the release that {@code spec.rollbackTo} names shipped: it must have Succeeded (its
   * alias confirmed on that version) for the same function and alias. Otherwise terminal, before any
   * AWS call that changes something.
   */
  private String shippedBy(LambdaRelease release) {
    String ns = release.getMetadata().getNamespace();
    String name = release.getSpec().rollbackTo;
    LambdaRelease earlier = client.resources(LambdaRelease.class).inNamespace(ns).withName(name).get();
    if (earlier == null) {
      throw SlipwayException.terminal(Reasons.ROLLBACK_TARGET_NOT_FOUND, "rollbackTo names LambdaRelease " + ns + "/" + name + ", which does not exist");
    }
    if (!ReleaseTarget.specKey(earlier).equals(ReleaseTarget.specKey(release))) {
      throw SlipwayException.terminal(Reasons.ROLLBACK_TARGET_OTHER_ALIAS, "rollbackTo names LambdaRelease " + name
          + ", which released " + ReleaseTarget.specKey(earlier) + ", not " + ReleaseTarget.specKey(release));
    }
    LambdaReleaseStatus s = earlier.getStatus();
    boolean succeeded = s != null && s.phase == ReleasePhase.Succeeded && s.finishTime != null && s.canaryVersion != null
        && s.conditions.stream().noneMatch(c -> Reasons.ROLLBACK_FAILED.equals(c.getType()) && "True".equals(c.getStatus()));
    if (!succeeded) {
      String phase = s == null || s.phase == null ? "not started" : s.phase + (s.reason == null ? "" : " (" + s.reason + ")");
      throw SlipwayException.terminal(Reasons.ROLLBACK_TARGET_NOT_SUCCEEDED, "rollbackTo names LambdaRelease " + name
          + ", which did not succeed (" + phase + "): only a version a release shipped is one to return to");
    }
    return s.canaryVersion;
  }

  /**
   * Fails the release with a clear reason when its S3 artifact cannot be read, before $LATEST is
   * touched. Lambda itself does not always say so (an emulator may accept a missing key and publish
   * the old code as the "new" version); UpdateFunctionCode needs s3:GetObject on the object anyway,
   * so the HeadObject asks for no permission the release did not already need.
   */
  private static void requireReadable(AwsClients clients, String function, dev.slipway.api.v1alpha1.CodeSource code) {
    if (code.s3 == null) {
      return;
    }
    try {
      clients.s3().headObject(r -> r.bucket(code.s3.bucket).key(code.s3.key).versionId(code.s3.objectVersion));
    } catch (RuntimeException e) {
      if (AwsErrors.isNotFound(e)) {
        throw SlipwayException.terminal("CodeNotFound", "code " + code.describe() + " for " + function + " does not exist");
      }
      if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException a && a.statusCode() == 403) {
        throw SlipwayException.terminal("CodeUnreadable", "code " + code.describe() + " for " + function + " cannot be read: " + AwsErrors.message(e));
      }
      throw e;
    }
  }

  /**
   * Applies {@code status} only if the release is still as {@code current} shows it (its
   * resourceVersion): the status carries a decision taken on that read. JOSDK's
   * {@code ssaPatchStatusAndCacheResource} would re-apply the same status onto the newer object on a
   * conflict, and so carry a stale decision (a weight increase over a user's fresh pause) to AWS.
   *
   * @throws StatusConflict when the release changed since {@code current} was read
   */
  private LambdaRelease storeStatus(LambdaRelease current, LambdaReleaseStatus status, Context<LambdaRelease> context) {
    LambdaRelease fresh = new LambdaRelease();
    fresh.setMetadata(new ObjectMetaBuilder()
        .withName(current.getMetadata().getName())
        .withNamespace(current.getMetadata().getNamespace())
        .withUid(current.getMetadata().getUid())
        .withResourceVersion(current.getMetadata().getResourceVersion())
        .build());
    fresh.setStatus(status);
    LambdaRelease stored;
    try {
      stored = context.getClient().resource(fresh).subresource("status").patch(new PatchContext.Builder()
          .withPatchType(PatchType.SERVER_SIDE_APPLY)
          .withFieldManager(context.getControllerConfiguration().fieldManager())
          .withForce(true)
          .build());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        throw new StatusConflict();
      }
      throw e;
    }
    // What the next reconcile starts from, before the informer has caught up with this write.
    context.eventSourceRetriever().getControllerEventSource().handleRecentResourceUpdate(ResourceID.fromResource(current), stored, current);
    return stored;
  }

  /** The status write was refused: the release changed since it was read. */
  private static final class StatusConflict extends RuntimeException {
    StatusConflict() {
      super(null, null, false, false);
    }
  }

  /** The release as the API server has it now; null once it is gone. */
  private LambdaRelease reread(LambdaRelease r) {
    return client.resources(LambdaRelease.class).inNamespace(r.getMetadata().getNamespace()).withName(r.getMetadata().getName()).get();
  }

  /**
   * The input of a decision taken again from {@code fresh}: its spec controls, generation and
   * status, with the alias as observed. The result of the action just performed (a version, an
   * analysis, a hook's outcome) is fed back only when the status is still the one that action was
   * taken on; otherwise another writer moved the release on, and its result belongs to no step of it.
   */
  private ReleaseInput refreshed(ReleaseInput in, LambdaRelease read, LambdaRelease fresh, Run run) {
    ReleaseInput again = input(fresh, run == null ? null : run.target(), in.policy()).withObserved(in.observed());
    LambdaReleaseStatus pin = in.status();
    if (pin != null && pin.target != null && (fresh.getStatus() == null || fresh.getStatus().target == null)) {
      // The pin this reconcile was about to store goes into the decision taken again.
      LambdaReleaseStatus status = fresh.getStatus() == null ? new LambdaReleaseStatus() : JSON.convertValue(fresh.getStatus(), LambdaReleaseStatus.class);
      status.target = pin.target;
      status.policy = pin.policy;
      again = again.withStatus(status);
    }
    if (in.newerRelease() != null) {
      again = again.withNewerRelease(in.newerRelease());
    }
    if (!java.util.Objects.equals(JSON.valueToTree(read.getStatus()), JSON.valueToTree(fresh.getStatus()))) {
      return again;
    }
    if (in.published() != null) {
      return again.withPublished(in.published());
    }
    if (in.analysis() != null) {
      return again.withAnalysis(in.analysis());
    }
    return in.hook() != null ? again.withHook(in.hook()) : again;
  }

  private void announce(LambdaRelease release, List<ReleaseEvent> transitions, Run run, KubernetesEvents events) {
    if (transitions.isEmpty()) {
      return;
    }
    var channels = run == null
        ? List.<dev.slipway.canary.notify.Notifier>of()
        : notifiers.channels(release.getMetadata().getNamespace(), notificationsOf(release, run), run.target().aws(), run.outbound(),
            permit(release, run.target()) instanceof TenancyRules.Permitted p ? p.bounds() : PolicyBounds.NONE);
    var notifications = new Notifications(channels, registry, events);
    var meta = release.getMetadata();
    for (ReleaseEvent machineEvent : transitions) {
      ReleaseEvent e = machineEvent.withOrigin(
          UpdateTriggers.annotation(meta, Slipway.COMMIT_ANNOTATION), UpdateTriggers.annotation(meta, Slipway.DEPLOYER_ANNOTATION));
      boolean bad = e.kind() == ReleaseEvent.Kind.RollbackStarted || e.kind() == ReleaseEvent.Kind.RolledBack || e.kind() == ReleaseEvent.Kind.Failed
          || e.kind() == ReleaseEvent.Kind.RetryRefused || e.kind() == ReleaseEvent.Kind.CheckFailed;
      // The machine's message already names the failing check and its value.
      if (bad) {
        events.warning(e.reason(), e.message());
      } else {
        events.normal(e.reason(), e.message());
      }
      notifications.announce(e);
    }
  }

  /**
   * Where a release's events go: its policy's notifications, or, when the policy names none (or the
   * release has no policy), those of its ServerlessService, so a service's AllAtOnce releases are
   * announced too.
   */
  private CanaryPolicySpec.Notifications notificationsOf(LambdaRelease release, Run run) {
    if (run.policy() != null && run.policy().notifications != null) {
      return run.policy().notifications;
    }
    String svc = release.getSpec().service;
    if (svc == null) {
      return null;
    }
    String ns = release.getMetadata().getNamespace();
    ServerlessService service = services == null
        ? client.resources(ServerlessService.class).inNamespace(ns).withName(svc).get()
        : services.get(new ResourceID(svc, ns)).orElse(null);
    return service == null || service.getSpec() == null ? null : service.getSpec().notifications;
  }

  private void finished(LambdaRelease release) {
    LambdaReleaseStatus s = release.getStatus();
    if (s != null && s.phase != null) {
      Duration took = s.startTime == null || s.finishTime == null ? null : Duration.between(Instant.parse(s.startTime), Instant.parse(s.finishTime));
      metrics.releaseFinished(key(release), s.function == null ? "" : s.function, s.phase, took);
    }
    history.prune(release);
  }

  /** A finished release stays in the history until its retention runs out: then it is deleted, and looked at no more. */
  private Outcome kept(LambdaRelease finished) {
    return history.expire(finished).map(left -> new Outcome(true, left)).orElse(Outcome.DONE);
  }

  /** A retryable AWS failure: back off exponentially (retry-initial-delay doubling up to retry-max-delay), as the README promises. */
  private Outcome retryLater(LambdaRelease release, RuntimeException e) {
    Duration delay = backoff.next(release.getMetadata().getUid());
    LOG.warnf("release %s: %s (%s), retrying in %s", name(release), AwsErrors.message(e), AwsErrors.reason(e), Durations.format(delay));
    return new Outcome(false, delay, true);
  }

  /** The policy: as pinned in status once the release started (null if it names none), else the CanaryPolicy now. */
  private CanaryPolicySpec policySpec(LambdaRelease release) {
    String policyName = release.getSpec().policy;
    LambdaReleaseStatus status = release.getStatus();
    if (status != null && status.target != null) {
      CanaryPolicySpec pinned = status.policy;
      return PolicySnapshot.withheldAny(pinned) ? PolicySnapshot.restore(pinned, Optional.ofNullable(livePolicy(release)).map(CanaryPolicy::getSpec).orElse(null), policyName) : pinned;
    }
    if (policyName == null) {
      return null;
    }
    CanaryPolicy p = livePolicy(release);
    if (p == null) {
      throw SlipwayException.terminal("PolicyNotFound", "CanaryPolicy " + release.getMetadata().getNamespace() + "/" + policyName + " does not exist");
    }
    return p.getSpec();
  }

  private CanaryPolicy livePolicy(LambdaRelease release) {
    return client.resources(CanaryPolicy.class).inNamespace(release.getMetadata().getNamespace()).withName(release.getSpec().policy).get();
  }

  /**
   * The name of the release newer than this one, if any (with its namespace when it is another's).
   * For a retry, which would run old code over whatever a newer release shipped, the API server is
   * asked too: the informer's view may lag behind a release created a moment ago.
   */
  private Optional<String> newerRelease(LambdaRelease release, boolean retry) {
    String ns = release.getMetadata().getNamespace();
    Optional<LambdaRelease> newer = newerSibling(release);
    if (newer.isEmpty() && retry) {
      String key = ReleaseTarget.specKey(release);
      newer = client.resources(LambdaRelease.class).inNamespace(ns).list().getItems().stream()
          .filter(o -> !o.getMetadata().getName().equals(release.getMetadata().getName()) && key.equals(ReleaseTarget.specKey(o)))
          .filter(o -> ReleaseOrder.OLDEST_FIRST.compare(o, release) > 0)
          .max(ReleaseOrder.OLDEST_FIRST);
    }
    if (retry) {
      LOG.infof("release %s: retry %d asked%s", name(release), release.getSpec().retry,
          newer.map(n -> "; newer release " + n.getMetadata().getName() + " owns the alias").orElse(""));
    }
    return newer.map(r -> r.getMetadata().getNamespace().equals(ns) ? r.getMetadata().getName() : r.getMetadata().getNamespace() + "/" + r.getMetadata().getName());
  }

  /** The newest other release for the same alias that comes after this one in {@link ReleaseOrder}. */
  private Optional<LambdaRelease> newerSibling(LambdaRelease release) {
    return siblings(release).filter(o -> ReleaseOrder.OLDEST_FIRST.compare(o, release) > 0).max(ReleaseOrder.OLDEST_FIRST);
  }

  /** An older release for the same alias that has not reached its final, confirmed state. */
  private Optional<LambdaRelease> olderRunningSibling(LambdaRelease release) {
    return siblings(release)
        .filter(o -> ReleaseOrder.OLDEST_FIRST.compare(o, release) < 0)
        .filter(o -> o.getStatus() == null || o.getStatus().finishTime == null)
        .min(ReleaseOrder.OLDEST_FIRST);
  }

  private static boolean functionExists(AwsClients clients, String function) {
    return AwsErrors.unlessNotFound(() -> clients.lambda().getFunctionConfiguration(r -> r.functionName(function))).isPresent();
  }

  private static AliasState observed(LambdaVersions.AliasRouting routing) {
    return new AliasState(routing.version(), routing.canaryVersion(), routing.canaryVersion() == null ? 0 : routing.canaryPercent());
  }

  private static OperatorMetrics.ReleaseKey key(LambdaRelease r) {
    return new OperatorMetrics.ReleaseKey(r.getMetadata().getNamespace(), r.getMetadata().getName());
  }

  private static String name(LambdaRelease r) {
    return r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
  }
}
