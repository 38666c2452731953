package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One metric's verdict at one analysis run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AnalysisResult {

  @JsonPropertyDescription("Metric name from the policy.")
  public String metric;

  @JsonPropertyDescription("Measured value; absent when there was no data.")
  public Double value;

  @JsonPropertyDescription("Threshold the value was judged against, e.g. '<= 0.05'.")
  public String threshold;

  @JsonPropertyDescription("Lowest passing value, as a number; absent when the check has no floor.")
  public Double min;

  @JsonPropertyDescription("Highest passing value, as a number; absent when the check has no ceiling.")
  public Double max;

  @JsonPropertyDescription("Pass, Fail or Inconclusive.")
  public Verdict verdict;

  @JsonPropertyDescription("Weight and step during the run, e.g. 10% (1/2).")
  public String step;

  @JsonPropertyDescription("When the analysis ran (RFC 3339).")
  public String time;

  @JsonPropertyDescription("Detail: the error, or why the data was inconclusive.")
  public String message;

  /** The check is a dry run: recorded, never counted toward a verdict. */
  @JsonPropertyDescription("True for a dryRun check: recorded here, never counted toward the run's verdict.")
  public Boolean dryRun;

  public enum Verdict {
    Pass,
    Fail,
    Inconclusive
  }
}
