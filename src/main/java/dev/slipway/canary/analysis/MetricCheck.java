package dev.slipway.canary.analysis;

import dev.slipway.api.v1alpha1.AnalysisResult;
import dev.slipway.api.v1alpha1.AnalysisResult.Verdict;

/** One check of a policy. No data is {@link Verdict#Inconclusive}, never a pass. */
public interface MetricCheck {

  AnalysisResult check(AnalysisContext ctx);

  static AnalysisResult result(String metric, Verdict verdict, Double value, String threshold, String message) {
    AnalysisResult r = new AnalysisResult();
    r.metric = metric;
    r.verdict = verdict;
    r.value = value;
    r.threshold = threshold;
    r.message = message;
    return r;
  }
}
