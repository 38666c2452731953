package dev.slipway.aws;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ManagedResource.State;
import dev.slipway.api.v1alpha1.Slipway;
import dev.slipway.status.Reasons;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import org.jboss.logging.Logger;

/**
 * The one runtime every AWS resource kind runs on. The order comes from the dependencies each
 * planned resource declares: a resource starts as soon as what it needs has converged, independent
 * resources run in parallel, and a failure (or a resource still becoming ready) blocks only what
 * depends on it, which status names. For each resource: read (NotFound is absence), create or
 * check ownership, hold while {@link AwsResourceKind#readiness not ready}, run the kind's steps and
 * the tag changes, read back (unless the kind knows the result, {@link AwsResourceKind#afterSteps}),
 * publish outputs.
 */
public final class ResourceLoop {

  private static final Logger LOG = Logger.getLogger(ResourceLoop.class);
  /** How soon to look for a resource just created that AWS does not show yet (IAM, eventually consistent). */
  static final Duration NOT_VISIBLE_YET = Duration.ofSeconds(2);

  /** What the runtime did to one resource. */
  public enum Action {
    Created,
    Adopted,
    Updated,
    Unchanged,
    /** Still becoming ready: looked at again after {@link NotReady#retryAfter()}. */
    NotReady,
    Failed,
    /** Not touched: something it depends on failed or is not ready. */
    Blocked
  }

  /**
   * The outcome of one resource.
   *
   * @param published what it published, null unless it converged
   * @param notReady what it waits for, null unless {@link Action#NotReady}
   * @param blockedBy keys of the failed or unready resources that held it back
   */
  public record Outcome(ManagedResource resource, Action action, Delta delta, Throwable error, Published published, NotReady notReady, List<String> blockedBy) {

    public boolean converged() {
      return published != null;
    }

    /** What the kind published, or recorded before it stopped not ready; null when neither. */
    public Object facts() {
      return published != null ? published.facts() : notReady != null ? notReady.facts() : null;
    }
  }

  /** The outcome of a whole run, in dependency order. */
  public record Result(List<Outcome> outcomes) {
    public List<ManagedResource> resources() {
      return outcomes.stream().map(Outcome::resource).toList();
    }

    public Optional<Outcome> firstFailure() {
      return outcomes.stream().filter(o -> o.action() == Action.Failed).findFirst();
    }

    /** Resources still becoming ready. */
    public List<Outcome> notReady() {
      return outcomes.stream().filter(o -> o.action() == Action.NotReady).toList();
    }

    /** When to look again for the resources still becoming ready: the soonest any asked for. */
    public Optional<Duration> retryAfter() {
      return notReady().stream().map(o -> o.notReady().retryAfter()).min(Comparator.naturalOrder());
    }

    /** Every resource converged: only then does the run know what the spec no longer wants. */
    public boolean complete() {
      return outcomes.stream().allMatch(Outcome::converged);
    }

    /** The visible outputs of every converged resource, sorted by key. */
    public Map<String, String> outputs() {
      Map<String, String> out = new TreeMap<>();
      outcomes.stream().filter(Outcome::converged).flatMap(o -> o.published().outputs().stream())
          .filter(Published.Output::visible).forEach(o -> out.put(o.key(), o.value()));
      return out;
    }

    /**
     * The facts resources of {@code kind} published (converged ones) or recorded (ones that stopped
     * {@link NotReady not ready} after a change), by logical name.
     */
    public <T> Map<String, T> facts(String kind, Class<T> type) {
      Map<String, T> facts = new LinkedHashMap<>();
      outcomes.stream().filter(o -> o.resource().kind.equals(kind) && type.isInstance(o.facts()))
          .forEach(o -> facts.put(o.resource().name, type.cast(o.facts())));
      return facts;
    }

    /** Logical names of the converged resources of {@code kind}. */
    public Set<String> converged(String kind) {
      Set<String> names = new LinkedHashSet<>();
      outcomes.stream().filter(o -> o.converged() && o.resource().kind.equals(kind)).forEach(o -> names.add(o.resource().name));
      return names;
    }
  }

  private final ExecutorService executor;
  private final int serviceShare;

  /** A loop whose runs may each use every worker of {@code executor}. */
  public ResourceLoop(ExecutorService executor) {
    this(executor, Integer.MAX_VALUE);
  }

  /**
   * A loop on the shared pool {@code executor} where one run (one service: JOSDK reconciles an
   * object once at a time) has at most {@code serviceShare} of its resources in the pool at once.
   */
  public ResourceLoop(ExecutorService executor, int serviceShare) {
    this.executor = executor;
    this.serviceShare = serviceShare;
  }

  /**
   * Converges every planned resource, each as soon as its dependencies have, with at most the
   * service share of them in the pool at once.
   */
  public Result converge(StackContext ctx, List<Planned<?, ?>> plan, EventSink events) {
    Executor share = new PoolShare(executor, serviceShare);
    Map<String, Planned<?, ?>> byKey = byKey(plan);
    List<Planned<?, ?>> order = DependencyOrder.of(byKey);
    Map<String, CompletableFuture<Outcome>> running = new HashMap<>();
    for (Planned<?, ?> p : order) {
      List<CompletableFuture<Outcome>> deps = p.dependsOn().stream().filter(running::containsKey).map(running::get).toList();
      CompletableFuture<Outcome> f =
          CompletableFuture.allOf(deps.toArray(CompletableFuture[]::new))
              .thenApplyAsync(v -> {
                List<Outcome> held = deps.stream().map(CompletableFuture::join).filter(o -> !o.converged()).toList();
                return held.isEmpty() ? AwsCallRecorder.on(ctx.owner(), () -> convergeOne(ctx, p, events)) : blocked(ctx, p, held);
              }, share);
      running.put(p.key(), f);
    }
    List<Outcome> outcomes = new ArrayList<>();
    for (Planned<?, ?> p : order) {
      outcomes.add(running.get(p.key()).join());
    }
    for (Planned<?, ?> p : byKey.values()) {
      if (!running.containsKey(p.key())) {
        outcomes.add(cycle(ctx, p));
      }
    }
    return new Result(outcomes);
  }

  /** The plan by key, each resource planned once and depending only on kinds its kind declares. */
  static Map<String, Planned<?, ?>> byKey(List<Planned<?, ?>> plan) {
    Map<String, Planned<?, ?>> byKey = new LinkedHashMap<>();
    plan.forEach(p -> {
      if (byKey.put(p.key(), p) != null) {
        throw new IllegalArgumentException("planned twice: " + p.key());
      }
    });
    byKey.values().forEach(p -> checkDeclared(p, byKey));
    return byKey;
  }

  /** A dependency on a kind the planning kind did not declare is a bug in that kind: fail loudly. */
  private static void checkDeclared(Planned<?, ?> p, Map<String, Planned<?, ?>> byKey) {
    for (String dep : p.dependsOn()) {
      Planned<?, ?> target = byKey.get(dep);
      // A dependency outside the plan (a test converging one kind) is taken as met.
      if (target != null && !p.kind().info().dependsOn().contains(target.kind().info().name())) {
        throw new IllegalStateException(p.key() + " depends on " + dep + ", but kind " + p.kind().info().name() + " does not declare " + target.kind().info().name());
      }
    }
  }

  private <D extends DesiredResource, O> Outcome convergeOne(StackContext base, Planned<D, O> p, EventSink events) {
    AwsResourceKind<D, O> kind = p.kind();
    KindInfo info = kind.info();
    StackContext ctx = regional(base, info);
    String label = info.name() + " " + p.physicalName();
    try {
      D desired = p.desired().apply(ctx);
      Optional<O> found = find(ctx, kind, desired);
      boolean known = ctx.previous(info.name(), p.name()).isPresent();
      O observed = null;
      Action action = null;
      if (found.isEmpty()) {
        Creation<O> made = create(ctx, kind, desired, label);
        if (made.ours()) {
          observed = made.observed();
          events.normal("Created", "Created " + label);
          action = Action.Created;
        } else {
          // An attempt ran into someone else's resource of the name: what stands there is judged as if read first.
          found = Optional.of(made.observed());
        }
      }
      if (action == null) {
        observed = found.get();
        boolean untagged = claim(ctx, kind, observed);
        boolean referenced = info.ownership() == KindInfo.Ownership.REFERENCED;
        if (untagged) {
          events.normal("Adopted", "Adopted existing " + label + ", which carried no " + Tags.SERVICE + " tag (annotation " + Slipway.ADOPT_ANNOTATION + ")");
        } else if (!known && !referenced) {
          events.normal("Adopted", "Adopted existing " + label);
        }
        action = (known || referenced) && !untagged ? Action.Unchanged : Action.Adopted;
      }
      throwIfNotReady(kind, observed);
      List<Step> steps = steps(ctx, kind, desired, observed);
      Delta delta = Step.delta(steps);
      if (!steps.isEmpty()) {
        if (action != Action.Created) {
          events.normal("Updated", "Updated " + label + ": " + delta.describe());
          action = action == Action.Unchanged ? Action.Updated : action;
        }
        steps.forEach(s -> s.action().run());
        O before = observed;
        observed = kind.afterSteps(ctx, desired, before).orElseGet(() -> readBack(ctx, kind, desired, "changed, not readable yet"));
        throwIfNotReady(kind, observed);
      }
      Published published = publish(base, ctx, kind, desired, observed);
      String message = switch (action) {
        case Created -> "created";
        case Unchanged, Adopted -> delta.isEmpty() ? "in sync" : "updated " + delta.describe();
        default -> "updated " + delta.describe();
      };
      ManagedResource entry = new ManagedResource(info.name(), p.name(), p.physicalName(), published.id(), State.Ready, message);
      return new Outcome(entry, action, delta, null, published, null, List.of());
    } catch (NotReady nr) {
      LOG.debugf("%s not ready: %s", label, nr.awaited());
      ManagedResource entry = new ManagedResource(info.name(), p.name(), p.physicalName(), previousId(ctx, p), State.Pending, "waiting: " + nr.awaited());
      return new Outcome(entry, Action.NotReady, Delta.none(), null, null, nr, List.of());
    } catch (RuntimeException e) {
      String reason = AwsErrors.reason(e);
      String message = AwsErrors.message(e);
      LOG.debugf(e, "%s failed", label);
      LOG.warnf("%s failed (%s): %s", label, reason, message);
      events.warning(reason, label + ": " + message);
      ManagedResource entry = new ManagedResource(info.name(), p.name(), p.physicalName(), previousId(ctx, p), State.Failed, reason + ": " + message);
      return new Outcome(entry, Action.Failed, Delta.none(), e, null, null, List.of());
    }
  }

  /** The context a resource of {@code info}'s kind is worked on in: the service's, or the kind's fixed region's. */
  public static StackContext regional(StackContext base, KindInfo info) {
    return info.region() == null ? base : base.inRegion(info.region());
  }

  /** The resource as its kind reads it; empty when it does not exist (a NotFound error included). */
  static <D extends DesiredResource, O> Optional<O> find(StackContext ctx, AwsResourceKind<D, O> kind, D desired) {
    return AwsErrors.unlessNotFound(() -> kind.read(ctx, desired)).flatMap(o -> o);
  }

  /**
   * Every change that brings {@code observed} to {@code desired}, in order: the kind's steps, then
   * the runtime's tag change. Nothing runs here; a converge runs them, a diff only describes them.
   */
  static <D extends DesiredResource, O> List<Step> steps(StackContext ctx, AwsResourceKind<D, O> kind, D desired, O observed) {
    List<Step> steps = new ArrayList<>(kind.compare(ctx, desired, observed));
    tagStep(ctx, kind, observed).ifPresent(steps::add);
    return steps;
  }

  /** What the resource publishes, its outputs made available to its dependents in {@code base}. */
  static <D extends DesiredResource, O> Published publish(StackContext base, StackContext ctx, AwsResourceKind<D, O> kind, D desired, O observed) {
    Published published = kind.publish(ctx, desired, observed);
    published.outputs().forEach(o -> base.publish(o.key(), o.value()));
    return published;
  }

  /** How many times one pass tries a create whose attempts failed without telling whether they worked. */
  static final int CREATE_ATTEMPTS = 3;
  /** The pause before the next attempt, times the attempt number. */
  static final Duration CREATE_BACKOFF = Duration.ofMillis(200);

  /** What a create left: the resource, and whether it is this service's (false: another's stood at the name). */
  private record Creation<O>(O observed, boolean ours) {}

  /**
   * Creates a resource exactly once, for every kind. A create whose answer is lost may have happened;
   * retried blindly it makes a second resource wherever AWS generates the id (two REST APIs of one
   * name and tags, which no later read can tell apart). So the SDK does not retry creates
   * ({@link StackContext#forCreate}); after a failure that leaves it open (5xx, timeout, throttling)
   * or says it is done (already exists) the runtime reads first: a resource found is what the lost
   * attempt made and is taken as created (its tags are checked as always), and only when nothing is
   * there does it try again. Every attempt carries the same client token, for the APIs that take one.
   */
  private static <D extends DesiredResource, O> Creation<O> create(StackContext ctx, AwsResourceKind<D, O> kind, D desired, String label) {
    StackContext creating = ctx.forCreate(UUID.randomUUID().toString());
    for (int attempt = 1; ; attempt++) {
      try {
        O created = kind.create(creating, desired);
        return new Creation<>(created != null ? created : readBack(ctx, kind, desired, "created, not visible yet"), true);
      } catch (NotReady nr) {
        throw nr;
      } catch (RuntimeException e) {
        if (!AwsErrors.mayHaveCreated(e)) {
          throw e;
        }
        // A listing shared by this pass was taken before the attempt and cannot show what it made.
        ctx.forgetReads();
        Optional<O> made = find(ctx, kind, desired);
        if (made.isPresent()) {
          LOG.infof("%s: create attempt %d failed (%s), but it exists: taking what the attempt made", label, attempt, AwsErrors.message(e));
          return new Creation<>(made.get(), ours(ctx, kind, made.get()));
        }
        if (AwsErrors.isAlreadyExists(e)) {
          throw NotReady.awaiting(label + " exists, not visible yet", NOT_VISIBLE_YET);
        }
        if (attempt == CREATE_ATTEMPTS) {
          throw e;
        }
        LOG.debugf("%s: create attempt %d failed (%s), nothing made: trying again", label, attempt, AwsErrors.message(e));
        pause(CREATE_BACKOFF.multipliedBy(attempt));
      }
    }
  }

  /**
   * Whether what a failed create attempt left is this service's: owned through its parent (checked
   * already), or carrying this service's tag or none at all. Untagged counts: nothing stood at the
   * name when this pass read, and some kinds tag only after the create (an S3 bucket), so a bare
   * resource there now is the attempt's. Only another service's tag makes it foreign.
   */
  private static <O> boolean ours(StackContext ctx, AwsResourceKind<?, O> kind, O observed) {
    if (kind.info().ownership() != KindInfo.Ownership.TAG) {
      return true;
    }
    Map<String, String> tags = kind.tags(observed);
    String owner = tags == null ? null : tags.get(Tags.SERVICE);
    return owner == null || ownedBySelf(ctx, owner);
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating", e);
    }
  }

  /** Reads what was just written; AWS services that are eventually consistent may not show it yet. */
  private static <D extends DesiredResource, O> O readBack(StackContext ctx, AwsResourceKind<D, O> kind, D desired, String awaited) {
    return find(ctx, kind, desired)
        .orElseThrow(() -> NotReady.awaiting(kind.info().name() + " " + desired.physicalName() + " " + awaited, NOT_VISIBLE_YET));
  }

  private static <O> void throwIfNotReady(AwsResourceKind<?, O> kind, O observed) {
    Optional<NotReady> notReady = kind.readiness(observed);
    if (notReady.isPresent()) {
      throw notReady.get();
    }
  }

  /** The one tag behaviour of every kind: Slipway's and the user's tags set, others removed, aws: ones left alone. */
  private static <O> Optional<Step> tagStep(StackContext ctx, AwsResourceKind<?, O> kind, O observed) {
    if (kind.info().ownership() != KindInfo.Ownership.TAG) {
      return Optional.empty();
    }
    Map<String, String> have = new TreeMap<>(ownTags(kind.tags(observed)));
    Map<String, String> want = new TreeMap<>(ctx.tags());
    if (have.equals(want)) {
      return Optional.empty();
    }
    Map<String, String> set = new TreeMap<>(want);
    set.entrySet().removeIf(e -> e.getValue().equals(have.get(e.getKey())));
    List<String> remove = have.keySet().stream().filter(k -> !want.containsKey(k)).toList();
    return Optional.of(new Step("tags", want, have, () -> kind.retag(ctx, observed, set, remove)));
  }

  private static Map<String, String> ownTags(Map<String, String> tags) {
    Map<String, String> own = new TreeMap<>(tags == null ? Map.of() : tags);
    own.keySet().removeIf(k -> k.startsWith("aws:"));
    return own;
  }

  /**
   * Whether a resource found at the expected name may be converged, by its tags: one tagged for
   * another ServerlessService (the same names in another namespace) is refused, since two services
   * rewriting one resource would fight forever; one without the tag (made by hand, by another tool,
   * or stripped of it) is taken over only where the service's adopt annotation names its kind, since
   * converging it changes it to match the spec. A status entry naming it does not count: anyone
   * allowed to patch status could write one. Returns whether it is an untagged one being taken over.
   */
  static <O> boolean claim(StackContext ctx, AwsResourceKind<?, O> kind, O observed) {
    if (kind.info().ownership() != KindInfo.Ownership.TAG) {
      return false; // owned through its parent, which was checked when it converged, or only referenced
    }
    Map<String, String> tags = kind.tags(observed);
    String owner = tags == null ? null : tags.get(Tags.SERVICE);
    if (ownedBySelf(ctx, owner)) {
      return false;
    }
    if (owner != null) {
      throw SlipwayException.terminal(Reasons.OWNED_BY_ANOTHER_SERVICE,
          "found at the expected name, but " + notOwned(owner) + ": set spec.namePrefix to give this service its own names");
    }
    if (ctx.adoption().allows(kind.info().name())) {
      return true;
    }
    // The status entry, the Warning event and the Ready condition put the kind and name in front.
    throw SlipwayException.terminal(Reasons.NOT_OWNED, "found at the expected name, but " + notOwned(null) + ": Slipway leaves it alone. To let this service"
        + " take it over and change it to match the spec, annotate the ServerlessService " + Slipway.ADOPT_ANNOTATION + ": \""
        + kind.info().name() + "\" (kind names separated by commas, or \"" + Adoption.EVERY_KIND + "\" for every kind)");
  }

  /** Whether {@code owner}, the value of a resource's {@link Tags#SERVICE} tag (null: none), names this service. */
  public static boolean ownedBySelf(StackContext ctx, String owner) {
    return ctx.tags().get(Tags.SERVICE).equals(owner);
  }

  /** Why a resource whose {@link Tags#SERVICE} tag is {@code owner} (null: none) is not this service's. */
  static String notOwned(String owner) {
    return owner == null
        ? "it carries no " + Tags.SERVICE + " tag, so it is not this service's"
        : "it belongs to ServerlessService " + owner + " (tag " + Tags.SERVICE + ")";
  }

  /** Held back by failed or unready dependencies: reported as Pending with the resources it waits for. */
  private static Outcome blocked(StackContext ctx, Planned<?, ?> p, List<Outcome> held) {
    List<String> roots = new ArrayList<>();
    for (Outcome o : held) {
      if (o.action() == Action.Blocked) {
        o.blockedBy().stream().filter(k -> !roots.contains(k)).forEach(roots::add);
      } else if (!roots.contains(o.resource().key())) {
        roots.add(o.resource().key());
      }
    }
    String why = roots.size() == 1 ? roots.get(0) : String.join(", ", roots);
    ManagedResource entry =
        new ManagedResource(p.kind().info().name(), p.name(), p.physicalName(), previousId(ctx, p), State.Pending, "waiting for " + why);
    return new Outcome(entry, Action.Blocked, Delta.none(), null, null, null, List.copyOf(roots));
  }

  private static Outcome cycle(StackContext ctx, Planned<?, ?> p) {
    IllegalStateException e = new IllegalStateException(p.key() + " is part of a dependency cycle: " + p.dependsOn());
    ManagedResource entry = new ManagedResource(p.kind().info().name(), p.name(), p.physicalName(), previousId(ctx, p), State.Failed, "InternalError: " + e.getMessage());
    return new Outcome(entry, Action.Failed, Delta.none(), e, null, null, List.of());
  }

  private static String previousId(StackContext ctx, Planned<?, ?> p) {
    return ctx.previous(p.kind().info().name(), p.name()).map(r -> r.id).orElse(null);
  }

  /** The tags that say whose the resource of a status entry is; empty when nothing of it is left (NotFound included). */
  static Optional<Map<String, String>> ownerTags(StackContext regional, AwsResourceKind<?, ?> kind, ManagedResource r) {
    return AwsErrors.unlessNotFound(() -> kind.ownerTags(regional, r)).flatMap(t -> t);
  }

  /** Why a resource whose owner tags are {@code tags} must not be deleted for this service; empty when it is this service's. */
  static Optional<String> deletionRefusal(StackContext ctx, Map<String, String> tags) {
    String owner = tags.get(Tags.SERVICE);
    return ownedBySelf(ctx, owner) ? Optional.empty() : Optional.of(notOwned(owner));
  }

  /**
   * Deletes the given status entries, last first (status lists resources in dependency order, so
   * this is the reverse of creation). NotFound counts as deleted. A resource whose tags (or its
   * parent's) do not name this service is not deleted, whatever status says: a Warning event names
   * it and the service lets go of it; one the spec only referenced is let go of untouched. A
   * deletion AWS is still working on (a distribution being disabled) stops the pass there, since
   * what comes before it may be what it still uses: that entry
   * is NotReady and the ones before it Blocked. Returns the entries that are not deleted yet, with
   * their error or wait.
   */
  public List<Outcome> deleteAll(StackContext ctx, List<ManagedResource> entries, Map<String, AwsResourceKind<?, ?>> kinds, EventSink events) {
    List<Outcome> failures = new ArrayList<>();
    for (int i = entries.size() - 1; i >= 0; i--) {
      ManagedResource r = entries.get(i);
      AwsResourceKind<?, ?> kind = kinds.get(r.kind);
      if (kind == null) {
        continue;
      }
      if (kind.info().ownership() == KindInfo.Ownership.REFERENCED) {
        events.normal("Released", "Left " + r.kind + " " + r.physicalName + " as it is: the spec referenced it, Slipway did not make it");
        continue;
      }
      StackContext regional = regional(ctx, kind.info());
      try {
        Optional<String> notOwned = AwsCallRecorder.on(ctx.owner(), () -> {
          Optional<Map<String, String>> tags = ownerTags(regional, kind, r);
          Optional<String> refusal = tags.flatMap(t -> deletionRefusal(ctx, t));
          if (tags.isPresent() && refusal.isEmpty()) {
            AwsErrors.ignoreNotFound(() -> kind.delete(regional, r));
          }
          return refusal;
        });
        if (notOwned.isPresent()) {
          events.warning(Reasons.NOT_OWNED, "Not deleting " + r.kind + " " + r.physicalName + ": " + notOwned.get());
          continue;
        }
        events.normal("Deleted", "Deleted " + r.kind + " " + r.physicalName);
      } catch (NotReady nr) {
        failures.add(new Outcome(new ManagedResource(r.kind, r.name, r.physicalName, r.id, State.Deleting, nr.awaited()), Action.NotReady,
            Delta.none(), null, null, nr, List.of()));
        for (int before = i - 1; before >= 0; before--) {
          failures.add(new Outcome(entries.get(before), Action.Blocked, Delta.none(), null, null, null, List.of(r.key())));
        }
        break;
      } catch (RuntimeException e) {
        events.warning(AwsErrors.reason(e), "Deleting " + r.kind + " " + r.physicalName + ": " + AwsErrors.message(e));
        ManagedResource failed = new ManagedResource(r.kind, r.name, r.physicalName, r.id, State.Deleting, AwsErrors.message(e));
        failures.add(new Outcome(failed, Action.Failed, Delta.none(), e, null, null, List.of()));
      }
    }
    return failures;
  }
}
