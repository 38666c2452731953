package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.Planned;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An API Gateway API (REST or WebSocket): many parts (routes, integrations, grants on function
 * aliases, stage) whose changes are planned as {@link Step}s. compare() reports the plan, update()
 * runs it, and create() makes the bare API and lets the same plan fill it in, so creating and
 * repairing cannot disagree. APIs have generated ids: they are found by the id the last status
 * recorded, or as the one API of their name.
 */
abstract class ApiKind<D extends DesiredResource, O> implements AwsResourceKind<D, O> {

  /** Creates the resource with no parts yet and returns its id. */
  abstract String createBare(StackContext ctx, D desired);

  /** Reads the resource with this id, parts and all. */
  abstract O observe(StackContext ctx, D desired, String id);

  abstract String id(O observed);

  /** Every change that brings observed to desired, in the order the calls must run; tags aside. */
  abstract List<Step> changes(StackContext ctx, D desired, O observed);

  /** The functions the API routes to: it needs their alias ARNs. */
  abstract java.util.Collection<String> routedFunctions(StackContext ctx);

  /** What the API needs besides the functions it routes to (the user pool whose tokens it checks). */
  List<String> otherDependencies(StackContext ctx) {
    return List.of();
  }

  /** Whether the spec declares this API. */
  abstract boolean declared(StackContext ctx);

  /** The desired API; the functions it routes to have published their alias ARNs. */
  public abstract D desired(StackContext ctx);

  /** The API's AWS name, known before it exists. */
  abstract String physicalName(StackContext ctx);

  @Override
  public List<Planned<D, O>> plan(StackContext ctx) {
    if (!declared(ctx)) {
      return List.of();
    }
    List<String> dependencies = new ArrayList<>(routedFunctions(ctx).stream().distinct().map(f -> Planned.key(LambdaFunctionKind.KIND, f)).toList());
    dependencies.addAll(otherDependencies(ctx));
    return List.of(new Planned<>(this, logicalName(), physicalName(ctx), dependencies, this::desired));
  }

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
    Optional<String> recorded = ctx.previous(info().name(), logicalName())
        .map(r -> r.id)
        .filter(id -> nameOf(ctx, id).filter(desired.physicalName()::equals).isPresent());
    return recorded.or(() -> find(ctx, desired.physicalName())).map(id -> observe(ctx, desired, id));
  }

  /**
   * The API read by its id for {@link #nameOf}, kept for the {@link #observe} that {@link #read}
   * makes right after it: a resync reads the API once, not twice. Empty when no such API exists.
   */
  <R> Optional<R> readById(StackContext ctx, String id, Supplier<R> read) {
    return ctx.sharedRead(byIdKey(id), () -> AwsErrors.unlessNotFound(read));
  }

  /** What {@link #readById} kept, then dropped, so a later observe (after steps) reads afresh. */
  <R> R takeById(StackContext ctx, String id, Supplier<R> read) {
    Optional<R> kept = readById(ctx, id, read);
    ctx.forgetRead(byIdKey(id));
    return kept.orElseGet(read);
  }

  private String byIdKey(String id) {
    return info().name() + " by id " + id;
  }

  /** The logical name the stack plan gives this (singleton) kind. */
  abstract String logicalName();

  /** The grants an API of this name holds on function aliases. */
  abstract LambdaInvokePermissions permissions(String physicalName);

  /** Deletes the API with this id. */
  abstract void deleteById(StackContext ctx, String id);

  /** The tags of the API with this id. */
  abstract Map<String, String> tagsOf(StackContext ctx, String id);

  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    // Reading a missing API is NotFound, which the runtime takes as gone.
    return Optional.ofNullable(resource.id).or(() -> find(ctx, resource.physicalName)).map(id -> tagsOf(ctx, id));
  }

  /** Revokes the API's grants (they outlive the API otherwise), then deletes the API itself. */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    LambdaInvokePermissions permissions = permissions(resource.physicalName);
    LambdaInvokePermissions.revoke(ctx.aws().lambda(), permissions.observe(ctx, LambdaInvokePermissions.knownAliases(ctx)));
    existing(ctx, resource).ifPresent(id -> deleteById(ctx, id));
  }

  /**
   * The id of the API a status entry names, if it still exists. Read first: emulators answer the
   * delete of a missing API with a 500 (REST) or a success (WebSocket) where AWS says NotFound.
   */
  private Optional<String> existing(StackContext ctx, ManagedResource resource) {
    return Optional.ofNullable(resource.id).or(() -> find(ctx, resource.physicalName)).filter(id -> nameOf(ctx, id).isPresent());
  }

  /** The bare API; its parts come from the same steps that repair it, so creating and repairing cannot disagree. */
  @Override
  public O create(StackContext ctx, D desired) {
    return observe(ctx, desired, createBare(ctx, desired));
  }

  /** Read back by the API's id: without a recorded one, {@link #read} would list every API of the region again. */
  @Override
  public Optional<O> afterSteps(StackContext ctx, D desired, O observed) {
    return Optional.of(observe(ctx, desired, id(observed)));
  }

  @Override
  public List<Step> compare(StackContext ctx, D desired, O observed) {
    return changes(ctx, desired, observed);
  }

  /** API Gateway's rule for stage variable names, which the schema cannot check on a map's keys. */
  static List<String> stageVariableNames(String api, Map<String, String> variables) {
    return variables == null ? List.of() : variables.keySet().stream().filter(name -> !name.matches("[A-Za-z0-9_]+")).sorted()
        .map(name -> api + " stage variable " + name + ": names are letters, digits and underscores only").toList();
  }
}
