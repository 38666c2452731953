package dev.slipway.aws;

import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One kind of AWS resource (a table, a function, a topic...). A kind declares itself in
 * {@link #info()} and says how to read, create, compare and delete one resource; the
 * {@link ResourceLoop} does the rest once for every kind: dependency order and parallelism,
 * NotFound, tags (added and removed, {@code aws:} tags ignored), ownership, read-after-create,
 * NotReady, error classification and reporting. Implementations hold no state between calls.
 *
 * @param <D> the desired resource, derived from the spec
 * @param <O> the resource as observed in AWS
 */
public interface AwsResourceKind<D extends DesiredResource, O> {

  /** Name, dependencies, identity, region and ownership of the kind. */
  KindInfo info();

  /** The resources of this kind the service's spec declares, with what each depends on. */
  List<Planned<D, O>> plan(StackContext ctx);

  /**
   * Reads the resource; empty when it does not exist. A NotFound error thrown here also means absent.
   * Kinds identified by {@link KindInfo.Identity#RECORDED_ID} find the id in {@link StackContext#previous}.
   */
  Optional<O> read(StackContext ctx, D desired);

  /**
   * Creates the resource with what it can take at creation (tags included) and returns it as AWS
   * now shows it, or null when the response does not tell: the runtime then reads it back, and a
   * resource not visible yet is NotReady. The runtime then runs {@link #compare}'s steps on it, so
   * a kind need not repeat here what its steps do.
   */
  O create(StackContext ctx, D desired);

  /**
   * The changes that bring observed to desired, in the order they must run; empty when in sync. Tags
   * are not among them: the runtime compares and changes tags itself through {@link #tags} and
   * {@link #retag}. A kind whose changes must happen one at a time (DynamoDB index changes) plans
   * only the next one; {@link #readiness} then holds the resource until it settles.
   */
  List<Step> compare(StackContext ctx, D desired, O observed);

  /**
   * The resource as {@link #compare}'s steps and the runtime's tag changes leave {@code observed},
   * when the kind can tell more cheaply than {@link #read}: without reading (the steps' calls
   * answered, so what they set is what {@code desired} says), or by a narrower read (by the id it now
   * has, where {@link #read} would search). {@link #readiness} and {@link #publish} then run on it.
   * Empty, the default, has the runtime read the resource back: for kinds whose changes AWS applies
   * asynchronously or whose published facts (a version) only a full read tells.
   */
  default Optional<O> afterSteps(StackContext ctx, D desired, O observed) {
    return Optional.empty();
  }

  /** Present while the resource is still becoming ready and must not be changed or relied on. */
  default Optional<NotReady> readiness(O observed) {
    return Optional.empty();
  }

  /** The resource's tags as read, {@code aws:} ones included or not; null when the kind carries no tags. */
  Map<String, String> tags(O observed);

  /** Sets {@code set} and removes {@code remove} on the resource; only called for kinds that carry tags. */
  void retag(StackContext ctx, O observed, Map<String, String> set, Collection<String> remove);

  /** The id status records, the outputs dependents and users see, and kind facts. */
  Published publish(StackContext ctx, D desired, O observed);

  /**
   * The tags that say whose the resource a status entry names is, read right before it is deleted,
   * so that a status entry alone (which anyone allowed to patch status can write) never steers a
   * deletion: the resource's own tags or, for a kind owned through its parent, the parent's. Empty
   * when nothing of the resource is left to delete; a NotFound error thrown here means the same.
   */
  Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource);

  /** Deletes the resource a status entry names. A NotFound error thrown here counts as deleted. */
  void delete(StackContext ctx, ManagedResource resource);

  /** Problems of this kind's part of the spec that the CRD schema cannot catch, one sentence each. */
  default List<String> validate(ServerlessServiceSpec spec) {
    return List.of();
  }

  /**
   * The IAM statements a function that references resources of this kind needs (a table it reads, a
   * topic it publishes to); the execution role of each function is generated from them.
   */
  default List<PolicyStatement> grants(StackContext ctx, PolicyStatement.Scope scope, FunctionSpec function) {
    return List.of();
  }

  /**
   * Takes back from the resource of a status entry what a tenancy grant, since revoked, had given it:
   * {@code revoked} tells the queues the namespace may no longer name and the role statements it may
   * no longer hold. Called for a service the tenancy refuses (which makes no other AWS call); a kind
   * checks that the resource is this service's before it changes anything, and changes only what the
   * revoked grant covered. The converge puts it back when the grant returns, as any drift. Returns
   * what was taken back now; the default has nothing to take back and makes no call.
   */
  default List<Revocation> revoke(StackContext ctx, ManagedResource resource, Revoked revoked) {
    return List.of();
  }
}
