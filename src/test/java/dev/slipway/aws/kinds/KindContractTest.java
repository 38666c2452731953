package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.api.v1alpha1.Slipway;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.Delta;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Planned;
import dev.slipway.aws.ResourceLoop.Action;
import dev.slipway.aws.ResourceLoop.Outcome;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Tags;
import dev.slipway.status.Reasons;
import dev.slipway.testing.AwsFaults;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every resource kind meets against moto, through {@link KindHarness}: created with
 * the declared shape; a second pass makes no mutating call; each field edit changes only that field;
 * drift is repaired; a create whose answer is lost makes one resource, not two; its own resource is
 * adopted when status is lost (and, for {@link KindInfo.Identity#RECORDED_ID} kinds, found by the
 * recorded id despite a namesake); an untagged one (made by hand) only with the annotation
 * slipway.dev/adopt, and refused untouched without it; a resource tagged for another service is
 * refused; deletion removes it (under Delete; under Retain the reconciler never calls a kind, which
 * ServiceDeletionTest checks); each invalid input is a clear refusal.
 *
 * <p>A kind's test extends this class and says what is specific to it: the harness (kinds and
 * spec), the shape to read back, its field edits, drifts and invalid inputs, and the request that
 * creates it ({@link #createCall()}). A clause a kind cannot meet is overridden in its test, with
 * one line saying why.
 */
abstract class KindContractTest {

  /** The service the foreign-owner clause pretends owns the resource. */
  static final String OTHER_SERVICE = "elsewhere.nexus";

  protected KindHarness stack;

  /** The harness of this kind: the spec and the kinds to plan, what the kind under test needs first and that kind last. */
  protected abstract KindHarness harness();

  /** The name of the kind under test, as status records it: the last kind the harness plans. */
  protected String kind() {
    return stack.lastKind();
  }

  /** After the first converge: the resources look as declared, read back with {@link KindHarness#raw()}. */
  protected abstract void assertDeclaredShape() throws Exception;

  /** Edits of one field each, applied one after the other to the converged spec; none fails the clause. */
  protected List<Edit> edits() {
    return List.of();
  }

  /** Changes made behind Slipway's back, each repaired by the next converge; none fails the clause. */
  protected List<Drift> drifts() {
    return List.of();
  }

  /** Inputs this kind refuses, each with its reason; none fails the clause. */
  protected List<Invalid> invalidInputs() {
    return List.of();
  }

  /**
   * One field of the spec changed. The next converge updates only {@code resource} (a logical name),
   * its delta names only {@code fields} (a path or its first word: {@code method} covers {@code method GET /x}), it makes exactly {@code calls} (in any order),
   * and {@code check} then holds in AWS.
   */
  record Edit(String resource, List<String> fields, Consumer<ServerlessServiceSpec> change, List<String> calls, Check check) {}

  /** A change to {@code resource} behind Slipway's back, seen at {@code fields}, undone by exactly {@code calls}. */
  record Drift(String resource, List<String> fields, Check behindTheBack, List<String> calls, Check repaired) {}

  /**
   * An input the kind refuses. With {@code reason} null it is a problem {@link AwsResourceKind#validate}
   * reports before any AWS call (the reconciler makes it InvalidSpec); otherwise the converge of the
   * changed spec fails {@code resource} terminally with that reason. Either way the message contains
   * {@code message}.
   */
  record Invalid(String resource, Consumer<ServerlessServiceSpec> change, String reason, String message) {
    static Invalid atValidation(Consumer<ServerlessServiceSpec> change, String message) {
      return new Invalid(null, change, null, message);
    }

    static Invalid atConverge(String resource, Consumer<ServerlessServiceSpec> change, String reason, String message) {
      return new Invalid(resource, change, reason, message);
    }
  }

  /** An assertion or an action that may read or write AWS. */
  @FunctionalInterface
  interface Check {
    void run() throws Exception;

    static Check none() {
      return () -> {};
    }
  }

  @BeforeEach
  void harnessUp() {
    stack = harness();
  }

  @AfterEach
  void harnessDown() {
    stack.close();
  }

  @Test
  void contractCreatesEachResourceWithTheDeclaredShape() throws Exception {
    Result result = stack.settle();

    assertThat(result.firstFailure()).as("failure").isEmpty();
    assertThat(own(result)).as("planned resources of " + kind()).isNotEmpty().allSatisfy(o -> {
      assertThat(o.converged()).as(o.resource().key() + " converged").isTrue();
      assertThat(stack.events).contains("Created: Created " + kind() + " " + o.resource().physicalName);
    });
    assertDeclaredShape();
  }

  @Test
  void contractASecondPassMakesNoMutatingCall() {
    stack.settle();

    assertSecondPassMutatesNothing();
  }

  @Test
  void contractEachFieldEditChangesOnlyThatField() throws Exception {
    List<Edit> edits = edits();
    assertThat(edits).as("field edits of " + kind() + " (override the clause to say why there are none)").isNotEmpty();
    stack.settle();
    for (Edit edit : edits) {
      edit.change().accept(stack.spec());
      stack.settle();

      assertOnlyChanged(edit.resource(), edit.fields(), edit.calls(), "edit of " + edit.fields());
      edit.check().run();
      assertSecondPassMutatesNothing();
    }
  }

  @Test
  void contractDriftIsRepaired() throws Exception {
    List<Drift> drifts = drifts();
    assertThat(drifts).as("drifts of " + kind() + " (override the clause to say why there are none)").isNotEmpty();
    stack.settle();
    for (Drift drift : drifts) {
      drift.behindTheBack().run();
      stack.settle();

      assertOnlyChanged(drift.resource(), drift.fields(), drift.calls(), "drift of " + drift.fields());
      drift.repaired().run();
      assertSecondPassMutatesNothing();
    }
  }

  @Test
  void contractItsOwnResourceIsAdoptedWhenStatusIsLost() {
    stack.settle();
    List<ManagedResource> before = stack.status(kind());
    stack.forgetStatus();

    Result result = stack.settle();

    assertThat(stack.mutatingCalls()).as("mutating calls adopting what is in sync").isEmpty();
    assertThat(own(result)).isNotEmpty().allSatisfy(o -> assertThat(stack.events).contains("Adopted: Adopted existing " + kind() + " " + o.resource().physicalName));
    assertThat(stack.status(kind())).extracting(r -> r.key() + " " + r.id).containsExactlyElementsOf(before.stream().map(r -> r.key() + " " + r.id).toList());
    if (info().identity() == KindInfo.Identity.RECORDED_ID) {
      assertTheRecordedIdWinsOverANamesake();
    }
  }

  /** Another resource of the same name does not confuse a kind whose status recorded the id. */
  private void assertTheRecordedIdWinsOverANamesake() {
    List<ManagedResource> before = stack.status(kind());
    makeNamesake();

    Result result = stack.settle();

    assertThat(stack.mutatingCalls()).as("mutating calls with a namesake around").isEmpty();
    assertThat(own(result)).extracting(Outcome::action).containsOnly(Action.Unchanged);
    assertThat(stack.status(kind())).extracting(r -> r.id).containsExactlyElementsOf(before.stream().map(r -> r.id).toList());
  }

  /** For {@link KindInfo.Identity#RECORDED_ID} kinds: makes, by hand, another resource named as the kind's own. */
  protected void makeNamesake() {
    throw new AssertionError(kind() + " is identified by a recorded id: its test must say how to make a namesake");
  }

  /**
   * The request that creates one resource of the kind under test, as the fault proxy sees it (for
   * example {@code AwsFaults.rest("POST", "/restapis")}); each kind's test names it.
   */
  protected Predicate<AwsFaults.Request> createCall() {
    throw new AssertionError(kind() + ": its test must name the request that creates it (createCall)");
  }

  /**
   * AWS performs a create whose answer never arrives: neither the SDK's retry nor the runtime makes a
   * second resource (the create reached AWS once per resource), and the pass ends Ready with the one
   * the lost attempt made, which a reconcile that lost status then finds as the only one.
   */
  @Test
  void contractACreateWhoseResponseIsLostConvergesToExactlyOneResource() {
    AwsFaults faults = AwsFaults.shared();
    int from = faults.journal().size();
    AwsFaults.Rewrite lost = faults.loseResponse(createCall(), 1);
    Result result;
    try {
      result = stack.settle();
    } finally {
      faults.clearFaults();
    }

    assertThat(lost.served()).as("create answers lost").isEqualTo(1);
    assertThat(result.firstFailure()).as("failure").isEmpty();
    List<Outcome> own = own(result);
    assertThat(stack.status(kind())).isNotEmpty().allSatisfy(r -> assertThat(r.state).as(r.key() + " " + r.message).isEqualTo(ManagedResource.State.Ready));
    long performed = faults.journal().stream().skip(from).filter(createCall())
        .filter(r -> r.status() == AwsFaults.LOST || r.status() / 100 == 2).count();
    assertThat(performed).as("creates AWS performed").isEqualTo(own.size());
    assertSecondPassMutatesNothing();
    stack.forgetStatus();
    assertThat(stack.settle().firstFailure()).as("failure finding it again without status").isEmpty();
    assertThat(stack.mutatingCalls()).as("mutating calls finding it again").isEmpty();
  }

  @Test
  void contractAResourceTaggedForAnotherServiceIsRefused() throws Exception {
    ownedByAnotherService(OTHER_SERVICE);
    stack.clearCalls();

    Result result = stack.converge();

    assertThat(stack.mutatingCalls()).as("mutating calls on another service's resource").isEmpty();
    assertThat(own(result)).isNotEmpty().allSatisfy(o -> {
      assertThat(o.action()).isEqualTo(Action.Failed);
      assertThat(o.resource().message).startsWith(Reasons.OWNED_BY_ANOTHER_SERVICE + ": ").contains(OTHER_SERVICE);
      assertThat(AwsErrors.isRetryable(o.error())).as("retryable").isFalse();
    });
  }

  @Test
  void contractAnUntaggedResourceIsRefusedWithoutTheAdoptAnnotation() throws Exception {
    madeByHand();
    stack.clearCalls();

    Result result = stack.converge();

    assertThat(stack.mutatingCalls()).as("mutating calls on an untagged resource").isEmpty();
    assertThat(own(result)).isNotEmpty().allSatisfy(o -> {
      assertThat(o.action()).isEqualTo(Action.Failed);
      assertThat(o.resource().message).startsWith(Reasons.NOT_OWNED + ": ").contains(Slipway.ADOPT_ANNOTATION + ": \"" + kind() + "\"");
      assertThat(AwsErrors.isRetryable(o.error())).as("retryable").isFalse();
      assertThat(stack.events).anySatisfy(e -> assertThat(e).startsWith(Reasons.NOT_OWNED + ": " + kind() + " " + o.resource().physicalName + ": "));
    });
  }

  @Test
  void contractAnUntaggedResourceIsAdoptedWithTheAdoptAnnotation() throws Exception {
    madeByHand();
    stack.adopt(kind());

    stack.settle();

    assertThat(stack.outcomes()).filteredOn(o -> o.resource().kind.equals(kind()) && o.action() == Action.Adopted).isNotEmpty();
    assertThat(stack.status(kind())).isNotEmpty().allSatisfy(r -> {
      assertThat(r.state).as(r.key() + " " + r.message).isEqualTo(ManagedResource.State.Ready);
      assertThat(stack.events).anySatisfy(e -> assertThat(e).startsWith("Adopted: Adopted existing " + kind() + " " + r.physicalName + ", which carried no "));
    });
    forEachOwn(stack.readingContext(), (planned, observed) -> assertThat(tagsOf(planned.kind(), observed)).as(planned.key() + " tags").containsAllEntriesOf(stack.tags()));
    assertSecondPassMutatesNothing();
  }

  /**
   * Leaves the kind's resources in AWS without tags and out of status, as if made by hand: by default
   * it converges, removes every tag with the kind's own tagging through unrecorded clients, and forgets
   * the status.
   */
  protected void madeByHand() throws Exception {
    stack.settle();
    StackContext raw = stack.readingContext();
    forEachOwn(raw, (planned, observed) -> untag(planned.kind(), raw, observed));
    stack.forgetStatus();
  }

  @SuppressWarnings("unchecked")
  private static <O> void untag(AwsResourceKind<?, O> kind, StackContext ctx, Object observed) {
    kind.retag(ctx, (O) observed, Map.of(), kind.tags((O) observed).keySet().stream().filter(k -> !k.startsWith("aws:")).toList());
  }

  @SuppressWarnings("unchecked")
  private static <O> Map<String, String> tagsOf(AwsResourceKind<?, O> kind, Object observed) {
    return kind.tags((O) observed);
  }

  @Test
  void contractAResourceTaggedForAnotherServiceIsNotDeletedWhateverStatusSays() throws Exception {
    ownedByAnotherService(OTHER_SERVICE);
    List<ManagedResource> entries = stack.status(kind());

    assertThat(stack.delete()).as("delete failures").isEmpty();

    entries.forEach(r -> assertThat(stack.events).contains(Reasons.NOT_OWNED + ": Not deleting " + kind() + " " + r.physicalName
        + ": it belongs to ServerlessService " + OTHER_SERVICE + " (tag " + Tags.SERVICE + ")"));
    StackContext ctx = stack.readingContext();
    forEachOwn(ctx, (planned, observed) -> assertThat(observed).as(planned.key() + " after a refused delete").isNotNull());
  }

  /**
   * Leaves the kind's resources in AWS tagged {@code slipway.dev/service=<owner>}: by default it
   * converges, then retags every resource with the kind's own tagging through unrecorded clients.
   */
  protected void ownedByAnotherService(String owner) throws Exception {
    stack.settle();
    StackContext raw = stack.readingContext();
    forEachOwn(raw, (planned, observed) -> retag(planned.kind(), raw, observed, owner));
  }

  @SuppressWarnings("unchecked")
  private static <O> void retag(AwsResourceKind<?, O> kind, StackContext ctx, Object observed, String owner) {
    kind.retag(ctx, (O) observed, Map.of(Tags.SERVICE, owner), List.of());
  }

  @Test
  void contractDeletionRemovesEveryResourceAndCountsNotFoundAsDeleted() {
    stack.settle();
    List<ManagedResource> entries = stack.status(kind());

    assertThat(stack.delete()).as("delete failures").isEmpty();

    entries.forEach(r -> assertThat(stack.events).contains("Deleted: Deleted " + kind() + " " + r.physicalName));
    StackContext ctx = stack.readingContext();
    forEachOwn(ctx, (planned, observed) -> assertThat(observed).as(planned.key() + " after delete").isNull());
    assertThat(stack.delete()).as("delete failures of what is gone").isEmpty();
  }

  @Test
  void contractEachInvalidInputIsAClearRefusal() {
    List<Invalid> invalid = invalidInputs();
    assertThat(invalid).as("invalid inputs of " + kind() + " (override the clause to say why there are none)").isNotEmpty();
    ServerlessServiceSpec valid = KindHarness.copy(stack.spec());
    for (Invalid input : invalid) {
      ServerlessServiceSpec spec = KindHarness.copy(valid);
      input.change().accept(spec);
      if (input.reason() == null) {
        assertThat(stack.kind(kind()).validate(spec)).as("problems").anySatisfy(p -> assertThat(p).contains(input.message()));
        continue;
      }
      stack.settle();

      Result result = stack.converge(spec);

      Outcome failed = own(result).stream().filter(o -> o.resource().name.equals(input.resource())).findFirst().orElseThrow();
      assertThat(failed.action()).isEqualTo(Action.Failed);
      assertThat(failed.resource().message).startsWith(input.reason() + ": ").contains(input.message());
      assertThat(AwsErrors.isRetryable(failed.error())).as("retryable").isFalse();
      stack.spec(KindHarness.copy(valid));
    }
  }

  /** The pass after a converge: every resource unchanged, no mutating call, no event. */
  void assertSecondPassMutatesNothing() {
    Result again = stack.settle();

    assertThat(stack.mutatingCalls()).as("mutating calls of the second pass").isEmpty();
    assertThat(again.outcomes()).extracting(o -> o.resource().key() + " " + o.action()).allSatisfy(a -> assertThat(a).endsWith(" Unchanged"));
    assertThat(stack.events).as("events of the second pass").isEmpty();
  }

  private void assertOnlyChanged(String resource, List<String> fields, List<String> calls, String what) {
    List<Outcome> changed = stack.outcomes().stream().filter(o -> !o.delta().isEmpty()).toList();
    assertThat(changed).as("resources changed by the " + what).isNotEmpty()
        .allSatisfy(o -> assertThat(o.resource().key()).isEqualTo(Planned.key(kind(), resource)));
    assertThat(changed.stream().flatMap(o -> o.delta().differences().stream()).map(Delta.Difference::path))
        .as("fields changed by the " + what).allSatisfy(p -> assertThat(fields).as(p).anyMatch(f -> p.equals(f) || p.startsWith(f + ".") || p.startsWith(f + " ")));
    assertThat(stack.mutatingCalls()).as("calls of the " + what).containsExactlyInAnyOrderElementsOf(calls);
    assertThat(stack.status()).filteredOn(r -> r.key().equals(Planned.key(kind(), resource)))
        .singleElement().satisfies(r -> assertThat(r.state).as(r.key() + " " + r.message).isEqualTo(ManagedResource.State.Ready));
  }

  /** The outcomes of the kind under test. */
  List<Outcome> own(Result result) {
    return result.outcomes().stream().filter(o -> o.resource().kind.equals(kind())).toList();
  }

  private KindInfo info() {
    return stack.kind(kind()).info();
  }

  /** Every planned resource of the kind under test with what its kind reads of it now (null: absent). */
  private void forEachOwn(StackContext ctx, java.util.function.BiConsumer<Planned<?, ?>, Object> each) {
    for (Planned<?, ?> planned : stack.kind(kind()).plan(ctx)) {
      each.accept(planned, stack.read(planned, ctx).orElse(null));
    }
  }
}
