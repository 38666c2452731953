package dev.slipway.aws;

import dev.slipway.api.v1alpha1.ManagedResource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a converge of a spec would change in AWS, worked out without changing anything: the
 * {@link ResourceLoop}'s own reads, ownership check and comparison (its steps and tag change,
 * described and never run), in its dependency order, one resource at a time. It calls only a kind's
 * {@code read}, {@code readiness}, {@code compare}, {@code tags}, {@code publish} and
 * {@code ownerTags}; never {@code create}, {@code retag}, a step's action or {@code delete}.
 *
 * <p>A resource whose dependency would be created, or whose desired model needs an output its
 * dependencies would only publish once changed, cannot be compared: like {@code terraform plan}'s
 * "(known after apply)", it is reported as created (no status entry) or updated (one), without steps.
 * Status entries the spec no longer plans are deleted under deletionPolicy Delete and forgotten under
 * Retain, as the reconciler does.
 */
public final class StackDiff {

  /** What a converge would do to one resource. */
  public enum Change {
    CREATE("+", "create"),
    UPDATE("~", "update"),
    IN_SYNC(" ", "in sync"),
    DELETE("-", "delete"),
    /** Under deletionPolicy Retain: left in AWS, no longer managed. */
    FORGET("-", "forget"),
    /** The diff could not tell (a read failed, the resource is another service's): a converge would fail here. */
    UNKNOWN("!", "unknown");

    public final String symbol;
    public final String verb;

    Change(String symbol, String verb) {
      this.symbol = symbol;
      this.verb = verb;
    }
  }

  /** Shown for what only a converge can tell, as terraform shows it. */
  public static final String KNOWN_AFTER_APPLY = "(known after apply)";

  /**
   * One resource's change.
   *
   * @param steps each step's description, in the order a converge would run them; empty unless an update
   * @param delta every difference of the steps, for callers that judge them (a function's new version)
   * @param note why the change is what it is, where the change alone does not say; null when it does
   */
  public record Entry(String kind, String name, String physicalName, Change change, List<String> steps, Delta delta, String note) {
    public Entry {
      steps = List.copyOf(steps);
    }

    public String key() {
      return Planned.key(kind, name);
    }

    /** Whether only a converge can tell what changes: a dependency would be created or changed first. */
    public boolean knownAfterApply() {
      return note != null && note.startsWith(KNOWN_AFTER_APPLY);
    }
  }

  /** Every resource's change: planned ones in dependency order, then the ones the spec dropped. */
  public record Result(List<Entry> entries) {
    public Result {
      entries = List.copyOf(entries);
    }

    /** Whether applying the spec would change anything (an unknown counts: the diff could not rule it out). */
    public boolean differs() {
      return entries.stream().anyMatch(e -> e.change() != Change.IN_SYNC);
    }

    public long count(Change change) {
      return entries.stream().filter(e -> e.change() == change).count();
    }

    public List<Entry> changes() {
      return entries.stream().filter(e -> e.change() != Change.IN_SYNC).toList();
    }
  }

  private StackDiff() {}

  /**
   * The changes converging {@code plan} in {@code ctx} would make, {@code previous} being the status
   * entries of the last converge and {@code kinds} every kind by name (to judge the dropped ones).
   *
   * @param deleteDropped whether dropped resources are deleted (deletionPolicy Delete) or forgotten
   */
  public static Result of(StackContext ctx, List<Planned<?, ?>> plan, List<ManagedResource> previous, Map<String, AwsResourceKind<?, ?>> kinds,
      boolean deleteDropped) {
    Map<String, Planned<?, ?>> byKey = ResourceLoop.byKey(plan);
    List<Planned<?, ?>> order = DependencyOrder.of(byKey);
    Map<String, Entry> done = new HashMap<>();
    List<Entry> entries = new ArrayList<>();
    for (Planned<?, ?> p : order) {
      Entry e = AwsCallRecorder.on(ctx.owner(), () -> one(ctx, p, done));
      done.put(p.key(), e);
      entries.add(e);
    }
    for (Planned<?, ?> p : byKey.values()) {
      if (!done.containsKey(p.key())) {
        entries.add(entry(p, Change.UNKNOWN, "part of a dependency cycle: " + p.dependsOn()));
      }
    }
    List<ManagedResource> planned = entries.stream()
        .map(e -> new ManagedResource(e.kind(), e.name(), e.physicalName(), null, null, null)).toList();
    for (ManagedResource r : previous) {
      if (planned.stream().noneMatch(r::sameResource)) {
        dropped(ctx, r, kinds.get(r.kind), deleteDropped).ifPresent(entries::add);
      }
    }
    return new Result(entries);
  }

  private static <D extends DesiredResource, O> Entry one(StackContext base, Planned<D, O> p, Map<String, Entry> done) {
    AwsResourceKind<D, O> kind = p.kind();
    StackContext ctx = ResourceLoop.regional(base, kind.info());
    boolean known = ctx.previous(kind.info().name(), p.name()).isPresent();
    for (String dep : p.dependsOn()) {
      Entry d = done.get(dep);
      if (d == null) {
        continue; // outside the plan: taken as met, as the runtime does
      }
      if (d.change() == Change.UNKNOWN) {
        return entry(p, Change.UNKNOWN, "depends on " + dep + ", which the diff could not tell");
      }
      if (d.change() == Change.CREATE || d.knownAfterApply()) {
        return afterApply(p, known, "depends on " + dep + ", which would be " + (d.change() == Change.CREATE ? "created" : "changed"));
      }
    }
    D desired;
    try {
      desired = p.desired().apply(ctx);
    } catch (IllegalStateException missingOutput) {
      // An output a dependency publishes only once a converge changed it (an alias it would create).
      return afterApply(p, known, missingOutput.getMessage());
    } catch (RuntimeException e) {
      return entry(p, Change.UNKNOWN, AwsErrors.reason(e) + ": " + AwsErrors.message(e));
    }
    try {
      Optional<O> found = ResourceLoop.find(ctx, kind, desired);
      if (found.isEmpty()) {
        return entry(p, Change.CREATE, null);
      }
      O observed = found.get();
      boolean untagged = ResourceLoop.claim(ctx, kind, observed);
      List<Step> steps = ResourceLoop.steps(ctx, kind, desired, observed);
      ResourceLoop.publish(base, ctx, kind, desired, observed);
      String note = kind.readiness(observed).map(nr -> "becoming ready (" + nr.awaited() + "): a converge waits for it first").orElse(null);
      if (untagged) {
        note = "would be adopted (annotation allows it)" + (note == null ? "" : "; " + note);
      }
      if (steps.isEmpty()) {
        return new Entry(kind.info().name(), p.name(), p.physicalName(), Change.IN_SYNC, List.of(), Delta.none(), note);
      }
      return new Entry(kind.info().name(), p.name(), p.physicalName(), Change.UPDATE, steps.stream().map(Step::describe).toList(), Step.delta(steps), note);
    } catch (NotReady nr) {
      return entry(p, Change.UNKNOWN, "waiting: " + nr.awaited());
    } catch (RuntimeException e) {
      return entry(p, Change.UNKNOWN, AwsErrors.reason(e) + ": " + AwsErrors.message(e));
    }
  }

  /** A resource that cannot be compared until a converge changed what it depends on. */
  private static Entry afterApply(Planned<?, ?> p, boolean known, String why) {
    return new Entry(p.kind().info().name(), p.name(), p.physicalName(), known ? Change.UPDATE : Change.CREATE,
        known ? List.of(KNOWN_AFTER_APPLY) : List.of(), Delta.none(), KNOWN_AFTER_APPLY + ": " + why);
  }

  private static Entry entry(Planned<?, ?> p, Change change, String note) {
    return new Entry(p.kind().info().name(), p.name(), p.physicalName(), change, List.of(), Delta.none(), note);
  }

  /**
   * A status entry the spec no longer plans: deleted, or forgotten under Retain, as the reconciler
   * would. Its owner tags are read as a deletion reads them first: nothing left is no change, another
   * service's is not deleted. Referenced resources are let go of untouched.
   */
  private static Optional<Entry> dropped(StackContext ctx, ManagedResource r, AwsResourceKind<?, ?> kind, boolean delete) {
    if (kind == null) {
      return Optional.empty(); // a kind this version does not know: the reconciler skips it too
    }
    if (!delete || kind.info().ownership() == KindInfo.Ownership.REFERENCED) {
      String why = delete ? "referenced by the spec, not made by Slipway: left as it is" : "deletionPolicy Retain: left in AWS";
      return Optional.of(new Entry(r.kind, r.name, r.physicalName, Change.FORGET, List.of(), Delta.none(), why));
    }
    try {
      Optional<Map<String, String>> tags = AwsCallRecorder.on(ctx.owner(), () -> ResourceLoop.ownerTags(ResourceLoop.regional(ctx, kind.info()), kind, r));
      if (tags.isEmpty()) {
        return Optional.empty();
      }
      Optional<String> refusal = ResourceLoop.deletionRefusal(ctx, tags.get());
      return Optional.of(refusal.map(why -> new Entry(r.kind, r.name, r.physicalName, Change.FORGET, List.of(), Delta.none(), "not deleted: " + why))
          .orElseGet(() -> new Entry(r.kind, r.name, r.physicalName, Change.DELETE, List.of(), Delta.none(), null)));
    } catch (RuntimeException e) {
      return Optional.of(new Entry(r.kind, r.name, r.physicalName, Change.UNKNOWN, List.of(), Delta.none(), AwsErrors.reason(e) + ": " + AwsErrors.message(e)));
    }
  }
}
