/**
 * Safe Lambda releases: the step plan, the release state machine, and (in {@code analysis} and
 * {@code notify}) the only AWS access they need.
 *
 * <h2>Driving a release from the LambdaRelease reconciler</h2>
 *
 * <pre>
 * policy   = ReleasePolicy.of(canaryPolicySpec)            // null spec: AllAtOnce; SlipwayException "InvalidPolicy" → machine.fail(...)
 * observed = GetAlias → AliasState(version, additionalVersion, round(weight * 100))
 * in       = ReleaseInput.of(name, generation, functionName, alias, Controls.of(spec), policy, cr.getStatus(), observed)
 * loop (bounded):
 *   d = machine.decide(in)
 *   if d.statusChanged(): patch status = d.status()          // FIRST; on conflict re-read the CR and start over
 *   announce d.events() (Kubernetes Events + Notifications)  // after the status is stored
 *   switch d.action():
 *     Publish     → v = publish version (update code, wait, PublishVersion); in = in.withStatus(d.status()).withPublished(v)
 *     SetAlias t  → UpdateAlias(t.version, t.RoutingConfig {additionalVersion: weight / 100}, or an empty map to clear weights);
 *                   in = in.withStatus(d.status()).withObserved(t)
 *     RunAnalysis → r = analyzer.run(policy.metrics(), new AnalysisContext(..., d.status().canaryVersion, ..., now, window));
 *                   in = in.withStatus(d.status()).withAnalysis(r)
 *     Wait w      → return UpdateControl.noUpdate().rescheduleAfter(w.delay())
 *     Hold        → return noUpdate (paused; the spec change wakes the reconciler)
 *     Done        → return noUpdate (final and confirmed; never touch the alias again)
 * </pre>
 *
 * <p>Why this order is safe: the status names the alias state the release wants before AWS is
 * asked for it. If the operator dies after the status patch and before UpdateAlias, the next
 * reconcile reads the old alias, {@code decide} sees it differs from the status and returns the same
 * {@code SetAlias} again, with no change of step: nothing is repeated or skipped. If it dies before
 * the patch, nothing happened, and the same decision is made again (decisions depend only on the
 * persisted status, the observed alias and the clock). A final phase is entered the same way and
 * only gets {@code finishTime} once AWS shows its alias. A newer release for the same alias calls
 * {@link dev.slipway.canary.ReleaseMachine#supersede} on the older one (no alias change) and starts
 * from the alias's primary version. A release that cannot go on (function, policy or code missing)
 * goes through {@link dev.slipway.canary.ReleaseMachine#fail}.
 */
package dev.slipway.canary;
