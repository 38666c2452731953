package dev.slipway.argocd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The LambdaRelease objects the action tests run on, with what Argo CD must offer for each and what
 * each action writes: the table deploy/argocd/README.md documents, one row per rule of
 * discovery.lua. Objects are the health fixtures, some changed in one place (named after the change).
 */
final class ActionCases {

  static final String KIND = "LambdaRelease";
  private static final Set<String> NONE = Set.of();

  private ActionCases() {}

  /** Arguments: case name, object, the actions offered (every other one is disabled). */
  static Stream<Arguments> discovery() {
    return Stream.of(
        offered("no-status", Set.of("promote-full", "abort", "pause")),
        offered("pending", Set.of("promote-full", "abort", "pause")),
        offered("progressing", Set.of("promote-full", "abort", "pause")),
        offered("paused", Set.of("promote-full", "abort", "resume")),
        offered("paused-by-spec-not-yet-observed", Set.of("promote-full", "abort", "resume")),
        offered("awaiting-approval", Set.of("promote-step", "promote-full", "abort", "pause")),
        // An approval synced but not observed yet: the gate is approved already.
        offered("awaiting-approval", "approved-not-observed", r -> {
          spec(r).put("approvedStep", 1);
          meta(r).put("generation", 3);
        }, Set.of("promote-full", "abort", "pause")),
        // After a retry the value the retry saw approves nothing: the gate is open to promote-step again.
        offered("awaiting-approval", "after-retry-with-the-same-approval", r -> {
          spec(r).put("approvedStep", 1);
          status(r).put("approvedStepAtRetry", 1);
        }, Set.of("promote-step", "promote-full", "abort", "pause")),
        // The only value that would approve this gate (21) is above what the CRD accepts.
        offered("awaiting-approval", "after-retry-at-the-last-possible-step", r -> {
          spec(r).put("approvedStep", 20);
          status(r).put("approvedStepAtRetry", 20);
          status(r).put("step", 20);
          status(r).put("totalSteps", 20);
        }, Set.of("promote-full", "abort", "pause")),
        // Paused at a gate: the hold comes first, and an approval counts only after resume.
        offered("awaiting-approval", "paused", r -> spec(r).put("paused", true), Set.of("promote-full", "abort", "resume")),
        // promote set, not yet observed: the steps are skipped, only abort still changes anything.
        offered("stale-status", Set.of("abort")),
        offered("progressing", "abort-not-yet-observed", r -> spec(r).put("abort", true), NONE),
        offered("progressing", "being-deleted", r -> meta(r).put("deletionTimestamp", "2026-11-20T10:10:00Z"), NONE),
        offered("verifying", Set.of("abort")),
        offered("succeeded", NONE),
        offered("succeeded-then-edited", NONE),
        offered("superseded", NONE),
        offered("superseded-unnamed", NONE),
        offered("rolled-back", Set.of("retry")),
        offered("aborted", Set.of("retry")),
        offered("failed", Set.of("retry")),
        offered("failed-after-retry", Set.of("retry")),
        offered("retry-asked", NONE),
        offered("rolled-back", "being-deleted", r -> meta(r).put("deletionTimestamp", "2026-11-20T10:10:00Z"), NONE),
        offered("unknown-phase", NONE));
  }

  /** Arguments: case name, action, object, the merge patch Argo CD sends (empty: nothing to write). */
  static Stream<Arguments> actions() {
    return Stream.of(
        writes("promote-step", "awaiting-approval", Map.of("approvedStep", 1)),
        writes("promote-step", "awaiting-approval", "after-retry-with-the-same-approval", r -> {
          spec(r).put("approvedStep", 1);
          status(r).put("approvedStepAtRetry", 1);
        }, Map.of("approvedStep", 2)),
        writes("promote-step", "progressing", Map.of()),
        writes("promote-full", "progressing", Map.of("promote", true)),
        writes("abort", "progressing", Map.of("abort", true)),
        writes("pause", "progressing", Map.of("paused", true)),
        writes("resume", "paused", Map.of("paused", false)),
        writes("retry", "rolled-back", Map.of("retry", 1)),
        writes("retry", "aborted", Map.of("retry", 1, "abort", false)),
        writes("retry", "failed-after-retry", Map.of("retry", 2)),
        // A counter lowered by hand below the last one handled: the new value is still above it.
        writes("retry", "failed-after-retry", "lowered-by-hand", r -> spec(r).put("retry", 0), Map.of("retry", 2)),
        writes("retry", "progressing", Map.of()));
  }

  private static Arguments offered(String fixture, Set<String> enabled) {
    return Arguments.of(fixture, HealthCases.fixture(KIND, fixture), enabled);
  }

  private static Arguments offered(String fixture, String variant, Consumer<Map<String, Object>> change, Set<String> enabled) {
    return Arguments.of(fixture + " " + variant, variant(fixture, change), enabled);
  }

  private static Arguments writes(String action, String fixture, Map<String, Object> spec) {
    return Arguments.of(fixture, action, HealthCases.fixture(KIND, fixture), patch(spec));
  }

  private static Arguments writes(String action, String fixture, String variant, Consumer<Map<String, Object>> change,
      Map<String, Object> spec) {
    return Arguments.of(fixture + " " + variant, action, variant(fixture, change), patch(spec));
  }

  private static Map<String, Object> patch(Map<String, Object> spec) {
    return spec.isEmpty() ? Map.of() : Map.of("spec", spec);
  }

  private static Map<String, Object> variant(String fixture, Consumer<Map<String, Object>> change) {
    Map<String, Object> object = HealthCases.fixture(KIND, fixture);
    change.accept(object);
    return object;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> spec(Map<String, Object> object) {
    return (Map<String, Object>) object.computeIfAbsent("spec", k -> new LinkedHashMap<>());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> status(Map<String, Object> object) {
    return (Map<String, Object>) object.computeIfAbsent("status", k -> new LinkedHashMap<>());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> meta(Map<String, Object> object) {
    return (Map<String, Object>) object.get("metadata");
  }

  /** Every action, in the order the README's table lists them. */
  static final List<String> ALL = List.of("promote-step", "promote-full", "abort", "pause", "resume", "retry");
}
