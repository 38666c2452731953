package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.Delta;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * An API Gateway API (REST or WebSocket): many parts (routes, integrations, grants on function
 * aliases, stage) whose changes are planned as {@link Step}s. compare() reports the plan, update()
 * runs it, and create() makes the bare API and lets the same plan fill it in, so creating and
 * repairing cannot disagree.
 */
abstract class ApiKind<D extends DesiredResource, O> implements AwsResourceKind<D, O> {

  /** Creates the resource with no parts yet and returns its id. */
  abstract String createBare(StackContext ctx, D desired);

  /** Reads the resource with this id, parts and all. */
  abstract O observe(StackContext ctx, D desired, String id);

  abstract String id(O observed);

  /** Every change that brings observed to desired, in the order the calls must run. */
  abstract List<Step> plan(StackContext ctx, D desired, O observed);

  /** The name AWS shows for the resource with this id; empty when no such resource exists. */
  abstract Optional<String> nameOf(StackContext ctx, String id);

  /** Finds the resource by name among all of its kind in the region (adoption, or a lost status). */
  abstract Optional<String> find(StackContext ctx, String name);

  /**
   * Reads the resource by the id the last status recorded, and only when that is gone or renamed
   * by listing every resource of the kind: a resync then costs one read, not a listing of the
   * whole region.
   */
  @Override
  public Optional<O> read(StackContext ctx, D desired) {
    Optional<String> recorded = ctx.previous(kind(), logicalName())
        .map(r -> r.id)
        .filter(id -> nameOf(ctx, id).filter(desired.physicalName()::equals).isPresent());
    return recorded.or(() -> find(ctx, desired.physicalName())).map(id -> observe(ctx, desired, id));
  }

  /** The logical name the stack plan gives this (singleton) kind. */
  abstract String logicalName();

  /** The grants an API of this name holds on function aliases. */
  abstract LambdaInvokePermissions permissions(String physicalName);

  /** Deletes the API with this id. */
  abstract void deleteById(StackContext ctx, String id);

  /** Revokes the API's grants (they outlive the API otherwise), then deletes the API itself. */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    LambdaInvokePermissions permissions = permissions(resource.physicalName);
    LambdaInvokePermissions.revoke(ctx.aws().lambda(), permissions.observe(ctx, LambdaInvokePermissions.knownAliases(ctx)));
    Optional.ofNullable(resource.id)
        .or(() -> find(ctx, resource.physicalName))
        // Read first: emulators answer the delete of a missing API with a 500 (REST) or a success
        // (WebSocket) where AWS says NotFound.
        .filter(id -> nameOf(ctx, id).isPresent())
        .ifPresent(id -> AwsErrors.ignoreNotFound(() -> deleteById(ctx, id)));
  }

  @Override
  public O create(StackContext ctx, D desired) {
    O bare = observe(ctx, desired, createBare(ctx, desired));
    return update(ctx, desired, bare, compare(ctx, desired, bare));
  }

  @Override
  public Delta compare(StackContext ctx, D desired, O observed) {
    return Step.delta(plan(ctx, desired, observed));
  }

  @Override
  public O update(StackContext ctx, D desired, O observed, Delta delta) {
    Step.run(plan(ctx, desired, observed));
    return observe(ctx, desired, id(observed));
  }

  /**
   * The one resource of {@code named} (all with the wanted name): several are ambiguous unless
   * exactly one carries this service's tag, which is a terminal error naming {@code what}.
   */
  static <T> Optional<T> unique(StackContext ctx, List<T> named, Function<T, Map<String, String>> tags, String what, String name) {
    List<T> candidates = new ArrayList<>(named);
    if (candidates.size() > 1) {
      String service = ctx.tags().get(Tags.SERVICE);
      candidates.removeIf(a -> !service.equals(tags.apply(a).get(Tags.SERVICE)));
      if (candidates.size() != 1) {
        throw SlipwayException.terminal("Ambiguous" + what.replace(" ", ""), "several " + what + "s are named " + name + "; rename or delete the extra ones");
      }
    }
    return candidates.stream().findFirst();
  }
}
