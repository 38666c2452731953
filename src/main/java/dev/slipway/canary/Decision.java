package dev.slipway.canary;

import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import java.util.List;

/**
 * The outcome of one decision. When {@code statusChanged}, the reconciler persists {@code status}
 * first and only then performs {@code action}, and announces {@code events} after the status is
 * stored (at most once: a crash in between loses an announcement, never repeats a transition).
 */
public record Decision(LambdaReleaseStatus status, boolean statusChanged, Action action, List<ReleaseEvent> events) {}
