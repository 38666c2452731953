package dev.slipway.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.ResourceLoop.Action;
import dev.slipway.aws.ResourceLoop.Outcome;
import dev.slipway.aws.ResourceLoop.Result;
import dev.slipway.status.Reasons;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The runtime's own behaviour, independent of any AWS service: order, parallel branches, failures
 * and readiness blocking only dependents, tags, ownership, idempotence, deletion order. The kinds
 * here are test doubles over an in-memory store (named {@link InMemoryKind}); the real kinds are
 * tested against moto in {@code dev.slipway.aws.kinds}.
 */
class ResourceLoopTest {

  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final ResourceLoop loop = new ResourceLoop(pool);
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final Map<String, Stored> aws = new ConcurrentHashMap<>();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void resourcesConvergeAfterWhatTheyDependOnAndSeeItsOutputs() {
    InMemoryKind base = new InMemoryKind("Base", Set.of());
    InMemoryKind top = new InMemoryKind("Top", Set.of("Base"));
    List<Planned<?, ?>> plan = List.of(
        top.planned("t", List.of("Base/b"), ctx -> "uses " + ctx.output("Base.b.value")),
        base.planned("b", List.of(), ctx -> "base value"));

    Result result = loop.converge(context(List.of()), plan, EventSink.NONE);

    assertThat(result.complete()).isTrue();
    assertThat(result.outcomes()).extracting(o -> o.resource().key()).containsExactly("Base/b", "Top/t");
    assertThat(calls).containsExactly("create Base/svc-b", "create Top/svc-t");
    assertThat(aws.get("Top/svc-t").value).isEqualTo("uses base value");
    assertThat(result.outputs()).containsEntry("Top.t.value", "uses base value");
  }

  @Test
  void aFailureBlocksOnlyItsDependentsAndStatusNamesIt() {
    InMemoryKind base = new InMemoryKind("Base", Set.of());
    InMemoryKind top = new InMemoryKind("Top", Set.of("Base", "Top"));
    base.failOnCreate.add("svc-broken");
    List<Planned<?, ?>> plan = List.of(
        base.planned("broken", List.of(), ctx -> "x"),
        base.planned("fine", List.of(), ctx -> "y"),
        top.planned("child", List.of("Base/broken"), ctx -> "z"),
        top.planned("grandchild", List.of("Top/child"), ctx -> "z"));

    Result result = loop.converge(context(List.of()), plan, EventSink.NONE);

    assertThat(actions(result)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "Base/broken", Action.Failed, "Base/fine", Action.Created, "Top/child", Action.Blocked, "Top/grandchild", Action.Blocked));
    Outcome grandchild = outcome(result, "Top/grandchild");
    assertThat(grandchild.blockedBy()).containsExactly("Base/broken");
    assertThat(grandchild.resource().message).isEqualTo("waiting for Base/broken");
    assertThat(grandchild.resource().state).isEqualTo(ManagedResource.State.Pending);
    assertThat(calls).doesNotContain("create Top/svc-child", "create Top/svc-grandchild");
    assertThat(result.complete()).isFalse();
  }

  @Test
  void aCreateWhoseAnswerIsLostIsTakenAsCreatedAndNotMadeAgain() {
    InMemoryKind base = new InMemoryKind("Base", Set.of());
    base.loseAnswer.add("svc-api");
    List<String> events = new ArrayList<>();

    Result result = loop.converge(context(List.of()), List.of(base.planned("api", List.of(), ctx -> "x")), recording(events));

    assertThat(actions(result)).containsExactlyEntriesOf(Map.of("Base/api", Action.Created));
    assertThat(calls).containsExactly("create Base/svc-api");
    assertThat(events).containsExactly("Created Base svc-api");
  }

  /** The listing read before the create no longer shows what the lost attempt made: it is read again. */
  @Test
  void aCreateWhoseAnswerIsLostIsFoundByAFreshReadNotAListingTakenBeforeIt() {
    InMemoryKind base = new InMemoryKind("Base", Set.of());
    base.listedOncePerPass = true;
    base.loseAnswer.add("svc-api");

    Result result = loop.converge(context(List.of()), List.of(base.planned("api", List.of(), ctx -> "x")), EventSink.NONE);

    assertThat(actions(result)).containsExactlyEntriesOf(Map.of("Base/api", Action.Created));
    assertThat(calls).containsExactly("create Base/svc-api");
  }

  @Test
  void aCreateThatFailedBeforeMakingAnythingIsTriedAgainWithTheSameClientToken() {
    InMemoryKind base = new InMemoryKind("Base", Set.of());
    base.throttleOnce.add("svc-api");

    Result result = loop.converge(context(List.of()), List.of(base.planned("api", List.of(), ctx -> "x")), EventSink.NONE);

    assertThat(actions(result)).containsExactlyEntriesOf(Map.of("Base/api", Action.Created));
    assertThat(calls).containsExactly("create Base/svc-api", "create Base/svc-api");
    assertThat(base.tokens).hasSize(2).doesNotContainNull();
    assertThat(Set.copyOf(base.tokens)).as("client tokens of the attempts").hasSize(1);
  }

  @Test
  void aCreateRefusedAsAlreadyExistingByAnotherServicesResourceIsJudgedLikeOneFoundFirst() {
    InMemoryKind base = new InMemoryKind("Base", Set.of());
    // Invisible to the first read (eventual consistency), there when the create runs into it.
    base.hiddenOnce.add("svc-api");
    aws.put("Base/svc-api", new Stored("x", Map.of(Tags.SERVICE, "other.svc")));

    Result result = loop.converge(context(List.of()), List.of(base.planned("api", List.of(), ctx -> "x")), EventSink.NONE);

    assertThat(actions(result)).containsExactlyEntriesOf(Map.of("Base/api", Action.Failed));
    assertThat(outcome(result, "Base/api").resource().message).startsWith(Reasons.OWNED_BY_ANOTHER_SERVICE + ": ");
    assertThat(calls).containsExactly("create Base/svc-api");
  }

  @Test
  void aResourceNotReadyHoldsItsDependentsUntilALaterPassWithoutWaitingOnAThread() {
    InMemoryKind base = new InMemoryKind("Base", Set.of());
    InMemoryKind top = new InMemoryKind("Top", Set.of("Base"));
    base.settling.add("svc-b");
    List<Planned<?, ?>> plan = List.of(base.planned("b", List.of(), ctx -> "v"), top.planned("t", List.of("Base/b"), ctx -> "w"));

    Result first = loop.converge(context(List.of()), plan, EventSink.NONE);
    assertThat(actions(first)).containsEntry("Base/b", Action.NotReady).containsEntry("Top/t", Action.Blocked);
    assertThat(first.retryAfter()).contains(Duration.ofSeconds(7));
    assertThat(outcome(first, "Base/b").resource().message).isEqualTo("waiting: svc-b settling");

    base.settling.clear();
    Result second = loop.converge(context(first.resources()), plan, EventSink.NONE);
    assertThat(second.complete()).isTrue();
    assertThat(actions(second)).containsEntry("Base/b", Action.Unchanged).containsEntry("Top/t", Action.Created);
    assertThat(calls).containsExactly("create Base/svc-b", "create Top/svc-t");
  }

  @Test
  void aSecondPassOverAConvergedStackChangesNothing() {
    InMemoryKind base = new InMemoryKind("Base", Set.of());
    List<Planned<?, ?>> plan = List.of(base.planned("a", List.of(), ctx -> "v"), base.planned("b", List.of(), ctx -> "v"));
    Result first = loop.converge(context(List.of()), plan, EventSink.NONE);
    calls.clear();

    Result second = loop.converge(context(first.resources()), plan, EventSink.NONE);

    assertThat(actions(second).values()).containsOnly(Action.Unchanged);
    assertThat(calls).isEmpty();
    assertThat(second.resources()).extracting(r -> r.message).containsOnly("in sync");
  }

  @Test
  void aChangedValueIsOneReportedStepAndTagsAreSetAndRemovedButAwsTagsLeftAlone() {
    InMemoryKind base = new InMemoryKind("Base", Set.of());
    aws.put("Base/svc-a", new Stored("old", new HashMap<>(Map.of(Tags.SERVICE, "team.svc", "stale", "1", "aws:cloudformation:stack-name", "s"))));
    List<Planned<?, ?>> plan = List.of(base.planned("a", List.of(), ctx -> "new"));
    List<String> events = new ArrayList<>();

    Result result = loop.converge(context(List.of(new ManagedResource("Base", "a", "svc-a", "svc-a", ManagedResource.State.Ready, ""))), plan, recording(events));

    assertThat(actions(result)).containsEntry("Base/a", Action.Updated);
    Stored stored = aws.get("Base/svc-a");
    assertThat(stored.value).isEqualTo("new");
    assertThat(stored.tags).containsEntry("aws:cloudformation:stack-name", "s").doesNotContainKey("stale")
        .containsEntry(Tags.SERVICE, "team.svc").containsEntry(Tags.MANAGED_BY, "slipway");
    assertThat(calls).containsExactly("update Base/svc-a", "retag Base/svc-a remove [stale]");
    assertThat(events).singleElement().asString().startsWith("Updated Base svc-a: value").contains("tags");
  }

  @Test
  void anUntaggedResourceIsTakenOverOnlyWhereTheAdoptAnnotationNamesItsKindAndAForeignOneNever() {
    InMemoryKind base = new InMemoryKind("Base", Set.of());
    InMemoryKind top = new InMemoryKind("Top", Set.of("Base"));
    aws.put("Base/svc-hand", new Stored("v", new HashMap<>()));
    // Status names it, as if Slipway had made it, but its tags were removed: status alone proves nothing.
    aws.put("Base/svc-recorded", new Stored("v", new HashMap<>(Map.of("team", "chat"))));
    aws.put("Base/svc-theirs", new Stored("v", new HashMap<>(Map.of(Tags.SERVICE, "other.svc"))));
    List<ManagedResource> status = List.of(new ManagedResource("Base", "recorded", "svc-recorded", "svc-recorded", ManagedResource.State.Ready, ""));
    List<Planned<?, ?>> plan = List.of(
        base.planned("hand", List.of(), ctx -> "v"), base.planned("recorded", List.of(), ctx -> "v"), base.planned("theirs", List.of(), ctx -> "v"),
        top.planned("t", List.of("Base/hand"), ctx -> "w"), top.planned("free", List.of(), ctx -> "w"));
    List<String> events = new ArrayList<>();

    Result refused = loop.converge(context(status, Adoption.NONE), plan, recording(events));

    assertThat(actions(refused)).containsExactlyInAnyOrderEntriesOf(Map.of("Base/hand", Action.Failed, "Base/recorded", Action.Failed,
        "Base/theirs", Action.Failed, "Top/t", Action.Blocked, "Top/free", Action.Created));
    assertThat(outcome(refused, "Base/hand").resource().message).startsWith("NotOwned: found at the expected name, but it carries no slipway.dev/service tag")
        .contains("annotate the ServerlessService slipway.dev/adopt: \"Base\"");
    assertThat(outcome(refused, "Base/recorded").resource().message).startsWith("NotOwned: ");
    assertThat(outcome(refused, "Base/theirs").resource().message).startsWith("OwnedByAnotherService: ").contains("other.svc");
    assertThat(events).anySatisfy(e -> assertThat(e).startsWith("Base svc-hand: found at the expected name"));
    assertThat(calls).containsExactly("create Top/svc-free");

    calls.clear();
    Result adopted = loop.converge(context(refused.resources(), Adoption.parse("Top, Base")), plan, EventSink.NONE);

    assertThat(actions(adopted)).containsEntry("Base/hand", Action.Adopted).containsEntry("Base/recorded", Action.Adopted)
        .containsEntry("Base/theirs", Action.Failed).containsEntry("Top/t", Action.Created);
    assertThat(aws.get("Base/svc-hand").tags).containsEntry(Tags.SERVICE, "team.svc");
    assertThat(aws.get("Base/svc-recorded").tags).containsEntry(Tags.SERVICE, "team.svc").doesNotContainKey("team");
    assertThat(aws.get("Base/svc-theirs").tags).containsOnlyKeys(Tags.SERVICE);
    assertThat(calls).containsExactlyInAnyOrder("retag Base/svc-hand remove []", "retag Base/svc-recorded remove [team]", "create Top/svc-t");
  }

  @Test
  void aCycleFailsItsMembersAndAnUndeclaredDependencyIsABug() {
    InMemoryKind a = new InMemoryKind("A", Set.of("A"));
    Result result = loop.converge(context(List.of()),
        List.of(a.planned("x", List.of("A/y"), ctx -> "v"), a.planned("y", List.of("A/x"), ctx -> "v")), EventSink.NONE);
    assertThat(actions(result).values()).containsOnly(Action.Failed);
    assertThat(result.resources()).extracting(r -> r.message).allMatch(m -> m.contains("dependency cycle"));
    assertThat(calls).isEmpty();

    InMemoryKind loner = new InMemoryKind("Loner", Set.of());
    assertThatThrownBy(() -> loop.converge(context(List.of()),
        List.of(a.planned("x", List.of(), ctx -> "v"), loner.planned("l", List.of("A/x"), ctx -> "v")), EventSink.NONE))
        .hasMessageContaining("kind Loner does not declare A");
  }

  @Test
  void deletionRunsInReverseOrderAndAResourceAlreadyGoneCountsAsDeleted() {
    InMemoryKind base = new InMemoryKind("Base", Set.of());
    InMemoryKind top = new InMemoryKind("Top", Set.of("Base"));
    Result converged = loop.converge(context(List.of()),
        List.of(base.planned("b", List.of(), ctx -> "v"), top.planned("t", List.of("Base/b"), ctx -> "v")), EventSink.NONE);
    aws.remove("Top/svc-t");
    calls.clear();

    List<Outcome> failures = loop.deleteAll(context(converged.resources()), converged.resources(), Map.of("Base", base, "Top", top), EventSink.NONE);

    assertThat(failures).isEmpty();
    // The ownership read before each deletion finds Top gone: nothing to delete there.
    assertThat(calls).containsExactly("delete Base/svc-b");
    assertThat(aws).isEmpty();
  }

  @Test
  void aResourceWhoseTagsDoNotNameThisServiceIsNotDeletedWhateverStatusSays() {
    InMemoryKind base = new InMemoryKind("Base", Set.of());
    Result converged = loop.converge(context(List.of()),
        List.of(base.planned("mine", List.of(), ctx -> "v"), base.planned("foreign", List.of(), ctx -> "v"), base.planned("bare", List.of(), ctx -> "v")),
        EventSink.NONE);
    // Someone else's resource, and one made by hand, that a patched status now names.
    aws.get("Base/svc-foreign").tags.put(Tags.SERVICE, "other.svc");
    aws.get("Base/svc-bare").tags.clear();
    calls.clear();
    List<String> events = new ArrayList<>();

    List<Outcome> failures = loop.deleteAll(context(converged.resources()), converged.resources(), Map.of("Base", base), recording(events));

    assertThat(failures).isEmpty();
    assertThat(calls).containsExactly("delete Base/svc-mine");
    assertThat(aws).containsOnlyKeys("Base/svc-foreign", "Base/svc-bare");
    assertThat(events).contains(
        "Not deleting Base svc-foreign: it belongs to ServerlessService other.svc (tag slipway.dev/service)",
        "Not deleting Base svc-bare: it carries no slipway.dev/service tag, so it is not this service's");
  }

  // Issue 9: one big stack (slow creates: a throttled account, a table taking its time) must not
  // take every worker of the pool all services share.
  @Test
  void aBigStackHasOnlyItsShareOfThePoolAndAnotherServiceConvergesMeanwhile() throws Exception {
    ResourceLoop shared = new ResourceLoop(pool, 2);
    InMemoryKind slow = new InMemoryKind("Slow", Set.of());
    slow.gate = new CountDownLatch(1);
    List<Planned<?, ?>> big = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      big.add(slow.planned("big" + i, List.of(), ctx -> "x"));
    }
    InMemoryKind quick = new InMemoryKind("Quick", Set.of());
    ExecutorService reconcilers = Executors.newFixedThreadPool(2);
    try {
      Future<Result> bigRun = reconcilers.submit(() -> shared.converge(context(List.of()), big, EventSink.NONE));
      await().atMost(Duration.ofSeconds(30)).until(() -> slow.creating.get() == 2);

      // Before the share, the big stack's six resources held all four workers and queued two more
      // ahead of this one, which then waited for the whole big stack.
      Result small = reconcilers.submit(() -> shared.converge(context(List.of()), List.of(quick.planned("small", List.of(), ctx -> "y")), EventSink.NONE))
          .get(30, TimeUnit.SECONDS);

      assertThat(small.complete()).isTrue();
      assertThat(slow.creating.get()).isEqualTo(2);
      slow.gate.countDown();
      assertThat(bigRun.get(30, TimeUnit.SECONDS).complete()).isTrue();
      assertThat(slow.mostCreating.get()).isEqualTo(2);
    } finally {
      slow.gate.countDown();
      reconcilers.shutdownNow();
    }
  }

  private StackContext context(List<ManagedResource> previous) {
    return context(previous, Adoption.NONE);
  }

  private StackContext context(List<ManagedResource> previous, Adoption adoption) {
    ServerlessServiceSpec spec = new ServerlessServiceSpec();
    spec.stage = "prod";
    spec.namePrefix = "svc";
    return new StackContext(null, "team", "svc", spec, previous, List.of(), SecretValues.NONE, adoption, Optional.empty());
  }

  private static Map<String, Action> actions(Result result) {
    Map<String, Action> actions = new LinkedHashMap<>();
    result.outcomes().forEach(o -> actions.put(o.resource().key(), o.action()));
    return actions;
  }

  private static Outcome outcome(Result result, String key) {
    return result.outcomes().stream().filter(o -> o.resource().key().equals(key)).findFirst().orElseThrow();
  }

  private static EventSink recording(List<String> messages) {
    return new EventSink() {
      @Override
      public void normal(String reason, String message) {
        messages.add(message);
      }

      @Override
      public void warning(String reason, String message) {
        messages.add(message);
      }
    };
  }

  private static final class Stored {
    volatile String value;
    final Map<String, String> tags;

    Stored(String value, Map<String, String> tags) {
      this.value = value;
      this.tags = new ConcurrentHashMap<>(tags);
    }
  }

  private record Desired(String physicalName, String value) implements DesiredResource {}

  /** Test double: a kind whose "AWS" is the in-memory map {@link #aws}, keyed {@code Kind/physicalName}. */
  private final class InMemoryKind implements AwsResourceKind<Desired, Desired> {
    final KindInfo info;
    final Set<String> failOnCreate = new HashSet<>();
    final Set<String> settling = ConcurrentHashMap.newKeySet();
    /** Created, then answered with a 500: the answer is lost. */
    final Set<String> loseAnswer = ConcurrentHashMap.newKeySet();
    /** Throttled once before anything is made. */
    final Set<String> throttleOnce = ConcurrentHashMap.newKeySet();
    /** Not seen by the next read although present. */
    final Set<String> hiddenOnce = ConcurrentHashMap.newKeySet();
    /**
     * Reads served from one listing per pass ({@link StackContext#sharedRead}), forgotten after a
     * create that answered, as CloudWatch alarms and log groups do.
     */
    volatile boolean listedOncePerPass;
    /** The client token of every create attempt. */
    final List<String> tokens = new CopyOnWriteArrayList<>();
    /** When set, every create waits for it to open, counting the creates under way. */
    volatile CountDownLatch gate;
    final AtomicInteger creating = new AtomicInteger();
    final AtomicInteger mostCreating = new AtomicInteger();

    InMemoryKind(String name, Set<String> dependsOn) {
      this.info = KindInfo.named(name, dependsOn);
    }

    Planned<Desired, Desired> planned(String name, List<String> dependsOn, Function<StackContext, String> value) {
      String physical = "svc-" + name;
      return new Planned<>(this, name, physical, dependsOn, ctx -> new Desired(physical, value.apply(ctx)));
    }

    private String key(String physicalName) {
      return info.name() + "/" + physicalName;
    }

    @Override
    public KindInfo info() {
      return info;
    }

    @Override
    public List<Planned<Desired, Desired>> plan(StackContext ctx) {
      return List.of();
    }

    @Override
    public Optional<Desired> read(StackContext ctx, Desired desired) {
      if (hiddenOnce.remove(desired.physicalName())) {
        return Optional.empty();
      }
      Map<String, Stored> listing = listedOncePerPass ? ctx.sharedRead(info.name(), () -> Map.copyOf(aws)) : aws;
      return Optional.ofNullable(listing.get(key(desired.physicalName()))).map(s -> new Desired(desired.physicalName(), s.value));
    }

    @Override
    public Desired create(StackContext ctx, Desired desired) {
      calls.add("create " + key(desired.physicalName()));
      tokens.add(ctx.clientToken());
      if (gate != null) {
        mostCreating.accumulateAndGet(creating.incrementAndGet(), Math::max);
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        } finally {
          creating.decrementAndGet();
        }
      }
      if (failOnCreate.contains(desired.physicalName())) {
        throw SlipwayException.terminal("InvalidSpec", "cannot create " + desired.physicalName());
      }
      if (throttleOnce.remove(desired.physicalName())) {
        throw error(429, "ThrottlingException");
      }
      if (aws.containsKey(key(desired.physicalName()))) {
        throw error(409, "EntityAlreadyExists");
      }
      aws.put(key(desired.physicalName()), new Stored(desired.value(), ctx.tags()));
      if (loseAnswer.remove(desired.physicalName())) {
        throw error(500, "InternalFailure");
      }
      ctx.forgetRead(info.name());
      return null; // as many AWS create calls: the runtime reads it back
    }

    @Override
    public List<Step> compare(StackContext ctx, Desired desired, Desired observed) {
      if (desired.value().equals(observed.value())) {
        return List.of();
      }
      return List.of(new Step("value", desired.value(), observed.value(), () -> {
        calls.add("update " + key(desired.physicalName()));
        aws.get(key(desired.physicalName())).value = desired.value();
      }));
    }

    @Override
    public Optional<NotReady> readiness(Desired observed) {
      return settling.contains(observed.physicalName())
          ? Optional.of(NotReady.awaiting(observed.physicalName() + " settling", Duration.ofSeconds(7)))
          : Optional.empty();
    }

    @Override
    public Map<String, String> tags(Desired observed) {
      return Map.copyOf(aws.get(key(observed.physicalName())).tags);
    }

    @Override
    public void retag(StackContext ctx, Desired observed, Map<String, String> set, Collection<String> remove) {
      calls.add("retag " + key(observed.physicalName()) + " remove " + remove);
      Map<String, String> tags = aws.get(key(observed.physicalName())).tags;
      tags.putAll(set);
      remove.forEach(tags::remove);
    }

    @Override
    public Published publish(StackContext ctx, Desired desired, Desired observed) {
      return Published.of(observed.physicalName()).output(info.name() + "." + observed.physicalName().substring(4) + ".value", observed.value()).build();
    }

    @Override
    public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
      return Optional.ofNullable(aws.get(key(resource.physicalName))).map(s -> Map.copyOf(s.tags));
    }

    private static RuntimeException error(int status, String code) {
      return software.amazon.awssdk.awscore.exception.AwsServiceException.builder().message(code).statusCode(status)
          .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder().errorCode(code).build()).build();
    }

    @Override
    public void delete(StackContext ctx, ManagedResource resource) {
      calls.add("delete " + key(resource.physicalName));
      if (aws.remove(key(resource.physicalName)) == null) {
        throw software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException.builder().message("gone").statusCode(400)
            .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder().errorCode("ResourceNotFoundException").build()).build();
      }
    }
  }
}
