package dev.slipway.aws;

import dev.slipway.api.v1alpha1.ManagedResource;
import java.util.Map;
import java.util.Optional;

/**
 * One kind of AWS resource (a table, a function, a REST API...), as the generic
 * {@link ResourceLoop} drives it: read what exists, compare it with what the spec wants, and create,
 * update or delete only what differs. Implementations hold no state between calls; everything they
 * need comes in the desired model {@code D} and the {@link StackContext}.
 *
 * @param <D> the desired resource, derived from the spec
 * @param <O> the resource as observed in AWS
 */
public interface AwsResourceKind<D extends DesiredResource, O> {

  /** Kind name shown in status and events, for example {@code DynamoDBTable}. */
  String kind();

  /** Reads the resource by its name; empty when it does not exist. */
  Optional<O> read(StackContext ctx, D desired);

  /** Creates the resource and returns it as AWS now shows it. */
  O create(StackContext ctx, D desired);

  /** What differs between desired and observed; {@link Delta#none()} when they agree. */
  Delta compare(StackContext ctx, D desired, O observed);

  /** Changes what {@code delta} names, and nothing else. */
  O update(StackContext ctx, D desired, O observed, Delta delta);

  /** Deletes the resource named by a status entry. Absent already counts as deleted. */
  void delete(StackContext ctx, ManagedResource resource);

  /** The resource's tags as read, to tell whose it is ({@link Tags#SERVICE}). */
  Map<String, String> tags(O observed);

  /** The identifiers to record in status: ARN or id, and outputs others depend on. */
  ManagedResource describe(StackContext ctx, D desired, O observed);
}
