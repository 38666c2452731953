package dev.slipway.aws.kinds;

import static dev.slipway.testing.AwsFaults.createFunction;
import static dev.slipway.testing.AwsFaults.getFunction;
import static dev.slipway.testing.AwsFaults.rest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.CodeSource;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.aws.ResourceLoop.Action;
import dev.slipway.aws.ResourceLoop.Outcome;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.testing.AwsFaults;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A function Lambda is still creating or updating is NotReady: the reconcile stops there instead of
 * sleeping in a waiter, and the next one resumes without repeating what was done. moto applies every
 * change at once, so the test double {@link AwsFaults} rewrites moto's answers to report the
 * Pending and InProgress states real Lambda shows for seconds to minutes.
 */
class LambdaFunctionBusyTest {

  private static final UnaryOperator<String> PENDING = body -> body.replaceAll("\"State\"\\s*:\\s*\"Active\"", "\"State\": \"Pending\"");
  private static final UnaryOperator<String> IN_PROGRESS =
      body -> body.replaceAll("\"LastUpdateStatus\"\\s*:\\s*\"Successful\"", "\"LastUpdateStatus\": \"InProgress\"");

  private final AwsFaults faults = AwsFaults.shared();
  private KindHarness stack;
  private CodeSource v1;
  private FunctionSpec api;

  @BeforeEach
  void stack() {
    stack = new KindHarness(faults.endpoint(), KindHarness.bare(), new LambdaFunctionKind());
    v1 = stack.upload("api-1.0.zip", "v1");
    api = stack.addFunction("api", v1);
  }

  @AfterEach
  void clear() {
    faults.clearFaults();
    stack.close();
  }

  private String name() {
    return stack.physicalName("api");
  }

  private static Outcome only(Result result) {
    assertThat(result.outcomes()).hasSize(1);
    return result.outcomes().get(0);
  }

  @Test
  void aFunctionStillBeingCreatedIsNotReadyAndIsFinishedLaterWithoutBeingCreatedOrUploadedAgain() {
    faults.rewrite(createFunction(name()), PENDING, 1);
    faults.rewrite(faults.after(createFunction(name()), getFunction(name())), PENDING, 1);

    Outcome first = only(stack.converge());
    assertThat(first.action()).isEqualTo(Action.NotReady);
    assertThat(first.notReady().awaited()).isEqualTo("function " + name() + " is being created");
    // Not one look at the function after creating it: nothing polled until it became Active.
    assertThat(stack.calls()).containsExactly("GetFunction", "CreateFunction");
    assertThat(stack.functionStatus("api").code).isEqualTo(v1.describe());
    assertThat(stack.functionStatus("api").publishedVersion).isNull();

    Outcome second = only(stack.converge());
    assertThat(second.action()).isEqualTo(Action.NotReady);
    assertThat(stack.mutatingCalls()).isEmpty();

    Outcome third = only(stack.converge());
    assertThat(third.converged()).isTrue();
    assertThat(stack.mutatingCalls()).containsExactly("PublishVersion", "CreateAlias");
    assertThat(stack.functionStatus("api").publishedVersion).isEqualTo("1");
    assertThat(stack.functionStatus("api").aliasVersion).isEqualTo("1");

    only(stack.converge());
    assertThat(stack.mutatingCalls()).isEmpty();
  }

  @Test
  void codeLambdaIsStillApplyingIsPublishedByTheNextReconcileWithoutUploadingItAgain() {
    stack.converge();
    api.code = stack.upload("api-2.0.zip", "v2");
    Predicate<AwsFaults.Request> upload = rest("PUT", "/2015-03-31/functions/" + name() + "/code");
    faults.rewrite(upload, IN_PROGRESS, 1);
    faults.rewrite(faults.after(upload, getFunction(name())), IN_PROGRESS, 1);

    Outcome busy = only(stack.converge());
    assertThat(busy.action()).isEqualTo(Action.NotReady);
    assertThat(busy.notReady().awaited()).isEqualTo("function " + name() + " is updating its code");
    assertThat(stack.mutatingCalls()).containsExactly("UpdateFunctionCode");
    // What $LATEST now holds is recorded, though no version of it exists yet.
    assertThat(stack.functionStatus("api").code).isEqualTo(api.code.describe());
    assertThat(stack.functionStatus("api").publishedVersion).isNull();

    Outcome done = only(stack.converge());
    assertThat(done.converged()).isTrue();
    assertThat(done.delta().describe()).isEqualTo("publishedVersion: null -> a version of $LATEST");
    assertThat(stack.mutatingCalls()).containsExactly("PublishVersion");
    assertThat(stack.functionStatus("api").publishedVersion).isEqualTo("2");
    // Moving the alias is a release's job.
    assertThat(stack.functionStatus("api").aliasVersion).isEqualTo("1");
  }

  @Test
  void aConfigurationUpdateInProgressIsPublishedOnceItIsDone() {
    stack.converge();
    api.memoryMB = 512;
    Predicate<AwsFaults.Request> update = rest("PUT", "/2015-03-31/functions/" + name() + "/configuration");
    faults.rewrite(update, IN_PROGRESS, 1);
    faults.rewrite(faults.after(update, getFunction(name())), IN_PROGRESS, 2);

    assertThat(only(stack.converge()).notReady().awaited()).isEqualTo("function " + name() + " is updating its configuration");
    assertThat(stack.mutatingCalls()).containsExactly("UpdateFunctionConfiguration");

    // Still in progress when the next reconcile reads it: nothing changes.
    assertThat(only(stack.converge()).notReady().awaited()).isEqualTo("function " + name() + " is updating");
    assertThat(stack.mutatingCalls()).isEmpty();

    only(stack.converge());
    assertThat(stack.mutatingCalls()).containsExactly("PublishVersion");
    assertThat(stack.functionStatus("api").publishedVersion).isEqualTo("2");
  }
}
