package dev.slipway.aws;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ManagedResource.State;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The one generic loop over every AWS resource kind: stages in dependency order, the resources of a
 * stage in parallel; for each resource read, then create, or compare and update only what differs.
 * A failed resource stops the stages after its own (they depend on it) but not its siblings.
 */
public final class ResourceLoop {

  private static final Logger LOG = Logger.getLogger(ResourceLoop.class);

  /** What the loop did to one resource. */
  public enum Action {
    Created,
    Adopted,
    Updated,
    Unchanged,
    Deleted,
    Failed,
    Blocked
  }

  /** One resource the spec wants: its kind, logical name and desired model. */
  public record Planned<D extends DesiredResource, O>(AwsResourceKind<D, O> kind, String name, D desired) {}

  /**
   * A group of resources that depend only on earlier stages. Planned lazily, when its turn comes, so
   * it can use the outputs earlier stages published. A stage blocked by an earlier failure still
   * reports what it holds: the resources of its {@code kinds} the previous run recorded, and those
   * {@code expected} names from the spec alone (kind, logical and physical name), so that a resource
   * not created yet shows as Pending rather than missing.
   */
  public record Stage(
      String name, Set<String> kinds, Function<StackContext, List<Planned<?, ?>>> plan, Function<StackContext, List<ManagedResource>> expected) {

    /** A stage that names nothing beyond what the previous run recorded. */
    public Stage(String name, Set<String> kinds, Function<StackContext, List<Planned<?, ?>>> plan) {
      this(name, kinds, plan, ctx -> List.of());
    }
  }

  /** The outcome of one resource. */
  public record Outcome(ManagedResource resource, Action action, Delta delta, Throwable error) {}

  /** The outcome of a whole run: entries in stage order and the first failure, if any. */
  public record Result(List<Outcome> outcomes) {
    public List<ManagedResource> resources() {
      return outcomes.stream().map(Outcome::resource).toList();
    }

    public Optional<Outcome> firstFailure() {
      return outcomes.stream().filter(o -> o.action() == Action.Failed).findFirst();
    }

    public boolean changedAnything() {
      return outcomes.stream().anyMatch(o -> o.action() != Action.Unchanged && o.action() != Action.Blocked);
    }
  }

  private final ExecutorService executor;

  public ResourceLoop(ExecutorService executor) {
    this.executor = executor;
  }

  public Result converge(StackContext ctx, List<Stage> stages, EventSink events) {
    List<Outcome> outcomes = new ArrayList<>();
    String failedStage = null;
    for (Stage stage : stages) {
      if (failedStage != null) {
        // Its inputs (outputs of the failed stage) are missing: report what it holds, touch nothing.
        Map<String, ManagedResource> held = new LinkedHashMap<>();
        ctx.previousOf(stage.kinds()).forEach(r -> held.put(r.key(), r));
        stage.expected().apply(ctx).forEach(r -> held.putIfAbsent(r.key(), r));
        for (ManagedResource r : held.values()) {
          outcomes.add(blocked(r, failedStage));
        }
        continue;
      }
      List<Planned<?, ?>> planned = stage.plan().apply(ctx);
      List<CompletableFuture<Outcome>> running =
          planned.stream()
              .map(p -> CompletableFuture.supplyAsync(() -> AwsCallRecorder.on(ctx.owner(), () -> convergeOne(ctx, p, events)), executor))
              .toList();
      for (CompletableFuture<Outcome> f : running) {
        Outcome o = f.join();
        outcomes.add(o);
        if (o.action() == Action.Failed && failedStage == null) {
          failedStage = stage.name();
        }
      }
    }
    return new Result(outcomes);
  }

  private <D extends DesiredResource, O> Outcome convergeOne(StackContext ctx, Planned<D, O> p, EventSink events) {
    AwsResourceKind<D, O> kind = p.kind();
    String label = kind.kind() + " " + p.desired().physicalName();
    try {
      Optional<O> observed = kind.read(ctx, p.desired());
      if (observed.isEmpty()) {
        O created = kind.create(ctx, p.desired());
        events.normal("Created", "Created " + label);
        return ok(ctx, p, created, Action.Created, Delta.none(), "created");
      }
      refuseForeign(ctx, kind, observed.get(), label);
      Delta delta = kind.compare(ctx, p.desired(), observed.get());
      boolean known = ctx.previous(kind.kind(), p.name()).isPresent();
      if (!known) {
        events.normal("Adopted", "Adopted existing " + label);
      }
      if (delta.isEmpty()) {
        return ok(ctx, p, observed.get(), known ? Action.Unchanged : Action.Adopted, delta, "in sync");
      }
      O updated = kind.update(ctx, p.desired(), observed.get(), delta);
      events.normal("Updated", "Updated " + label + ": " + delta.describe());
      return ok(ctx, p, updated, known ? Action.Updated : Action.Adopted, delta, "updated " + delta.describe());
    } catch (RuntimeException e) {
      String reason = AwsErrors.reason(e);
      String message = AwsErrors.message(e);
      LOG.debugf(e, "%s failed", label);
      LOG.warnf("%s failed (%s): %s", label, reason, message);
      events.warning(reason, label + ": " + message);
      ManagedResource entry =
          new ManagedResource(kind.kind(), p.name(), p.desired().physicalName(), previousId(ctx, p), State.Failed, reason + ": " + message);
      return new Outcome(entry, Action.Failed, Delta.none(), e);
    }
  }

  /**
   * A resource another ServerlessService manages (same name, e.g. the same service name and stage
   * in another namespace) is not adopted: two services rewriting one resource would fight forever.
   * Untagged resources (made by hand or by other tools) are adopted.
   */
  private static <O> void refuseForeign(StackContext ctx, AwsResourceKind<?, O> kind, O observed, String label) {
    String owner = kind.tags(observed).get(Tags.SERVICE);
    String self = ctx.tags().get(Tags.SERVICE);
    if (owner != null && !owner.equals(self)) {
      throw SlipwayException.terminal("OwnedByAnotherService",
          label + " already belongs to ServerlessService " + owner + " (tag " + Tags.SERVICE + "): set spec.namePrefix to give this service its own names");
    }
  }

  private <D extends DesiredResource, O> Outcome ok(StackContext ctx, Planned<D, O> p, O observed, Action action, Delta delta, String message) {
    ManagedResource entry = p.kind().describe(ctx, p.desired(), observed);
    entry.name = p.name(); // the loop's key for the resource, so the next run recognises it
    entry.state = State.Ready;
    entry.message = message;
    return new Outcome(entry, action, delta, null);
  }

  private static Outcome blocked(ManagedResource previous, String failedStage) {
    ManagedResource entry =
        new ManagedResource(previous.kind, previous.name, previous.physicalName, previous.id, State.Pending, "waiting for " + failedStage);
    return new Outcome(entry, Action.Blocked, Delta.none(), null);
  }

  private static String previousId(StackContext ctx, Planned<?, ?> p) {
    return ctx.previous(p.kind().kind(), p.name()).map(r -> r.id).orElse(null);
  }

  /**
   * Deletes the given status entries, last first (the reverse of creation). NotFound counts as
   * deleted. Returns the entries that could not be deleted, with their error.
   */
  public List<Outcome> deleteAll(StackContext ctx, List<ManagedResource> entries, Map<String, AwsResourceKind<?, ?>> kinds, EventSink events) {
    List<Outcome> failures = new ArrayList<>();
    for (int i = entries.size() - 1; i >= 0; i--) {
      ManagedResource r = entries.get(i);
      AwsResourceKind<?, ?> kind = kinds.get(r.kind);
      if (kind == null) {
        continue;
      }
      try {
        AwsCallRecorder.on(ctx.owner(), () -> {
          kind.delete(ctx, r);
          return null;
        });
        events.normal("Deleted", "Deleted " + r.kind + " " + r.physicalName);
      } catch (RuntimeException e) {
        if (AwsErrors.isNotFound(e)) {
          continue;
        }
        events.warning(AwsErrors.reason(e), "Deleting " + r.kind + " " + r.physicalName + ": " + AwsErrors.message(e));
        r.state = State.Deleting;
        r.message = AwsErrors.message(e);
        failures.add(new Outcome(r, Action.Failed, Delta.none(), e));
      }
    }
    return failures;
  }
}
