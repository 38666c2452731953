package dev.slipway.canary.analysis;

import dev.slipway.api.v1alpha1.AnalysisResult;
import dev.slipway.api.v1alpha1.AnalysisResult.Verdict;

/** One check of a policy. No data is {@link Verdict#Inconclusive}, never a pass. */
public interface MetricCheck {

  AnalysisResult check(AnalysisContext ctx);

  /** A check's result; {@code bounds} null when the check could not run. */
  static AnalysisResult result(String metric, Verdict verdict, Double value, Bounds bounds, String message) {
    AnalysisResult r = new AnalysisResult();
    r.metric = metric;
    r.verdict = verdict;
    r.value = value;
    if (bounds != null) {
      r.threshold = bounds.text();
      r.min = bounds.min();
      r.max = bounds.max();
    }
    r.message = message;
    return r;
  }
}
