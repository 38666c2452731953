package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * One event source of a function: a table's DynamoDB stream or an SQS queue, read by a Lambda event
 * source mapping that invokes the function's stage alias. Unset fields take the defaults the
 * descriptions name, which are Lambda's own, so that a mapping is compared with AWS field by field.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.table) != has(self.queueArn)", message = "an event source names exactly one of table and queueArn", reason = "FieldValueInvalid")
@ValidationRule(
    value = "has(self.table) || !(has(self.startingPosition) || has(self.maximumRetryAttempts) || has(self.bisectBatchOnFunctionError)"
        + " || has(self.maximumRecordAge) || has(self.parallelizationFactor) || has(self.onFailure))",
    message = "startingPosition, maximumRetryAttempts, bisectBatchOnFunctionError, maximumRecordAge, parallelizationFactor and onFailure apply"
        + " only to a table's stream",
    reason = "FieldValueForbidden")
@ValidationRule(value = "has(self.queueArn) || !has(self.maximumConcurrency)", message = "maximumConcurrency applies only to an SQS queue",
    reason = "FieldValueForbidden")
public class EventSourceSpec {

  /** Batch size Lambda uses when none is given: 100 records of a stream, 10 messages of a queue. */
  public static final int STREAM_BATCH_SIZE = 100;
  public static final int QUEUE_BATCH_SIZE = 10;

  @Size(max = 64)
  @JsonPropertyDescription(
      "A table in spec.tables whose DynamoDB stream the function reads; the table must declare streamView. The source of a mapping"
          + " cannot change: another table is another mapping (the old one is deleted).")
  public String table;

  @Size(max = 256)
  @Pattern("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[a-zA-Z0-9_-]{1,80}(\\.fifo)?$")
  @JsonPropertyDescription(
      "ARN of an SQS queue the function reads. The role is granted sqs:ReceiveMessage, DeleteMessage and GetQueueAttributes on exactly"
          + " this queue. Another queue is another mapping (the old one is deleted). A SlipwayTenancy of the namespace must allow it"
          + " (queueArns).")
  public String queueArn;

  @Min(1)
  @Max(10000)
  @JsonPropertyDescription("Most records Lambda passes to one invocation: 1 to 10000. Default: 100 for a stream, 10 for a queue (a queue"
      + " above 10 needs maximumBatchingWindow of at least 1s).")
  public Integer batchSize;

  @Size(max = 32)
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("How long Lambda gathers records before it invokes, for example 5s; at most 5m. Default: 0s (no wait).")
  public String maximumBatchingWindow;

  @JsonPropertyDescription("Whether the mapping polls its source. Default: true; false pauses it without deleting it.")
  public Boolean enabled;

  @Size(max = 5)
  @JsonPropertyDescription(
      "Event filtering: each entry an EventBridge-style pattern as a JSON object, for example {\"eventName\": [\"INSERT\"]}; a record"
          + " is passed on when any pattern matches. Absent means every record.")
  public List<@Size(max = 4096) String> filters = new ArrayList<>();

  @JsonPropertyDescription(
      "Stream only: where a new mapping starts reading, LATEST (the default) or TRIM_HORIZON (the oldest record kept). Lambda cannot"
          + " change it in place: a change replaces the mapping, which then starts again from the new position.")
  public StartingPosition startingPosition;

  @Min(-1)
  @Max(10000)
  @JsonPropertyDescription("Stream only: retries of a failing batch, 0 to 10000, or -1 (the default) to retry until the records expire.")
  public Integer maximumRetryAttempts;

  @JsonPropertyDescription("Stream only: split a failing batch in two and retry each half. Default: false.")
  public Boolean bisectBatchOnFunctionError;

  @Size(max = 32)
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("Stream only: records older than this are skipped (and sent to onFailure), 1m to 168h. Default: no limit.")
  public String maximumRecordAge;

  @Min(1)
  @Max(10)
  @JsonPropertyDescription("Stream only: batches of one shard processed at the same time, 1 (the default) to 10.")
  public Integer parallelizationFactor;

  @JsonPropertyDescription("Stream only: where Lambda sends a record of a batch that failed every retry: a topic of this service or an SQS"
      + " queue. The role is granted exactly that send. Absent means failed records are dropped.")
  public Destination onFailure;

  @Min(2)
  @Max(1000)
  @JsonPropertyDescription("Queue only: most concurrent invocations the mapping makes, 2 to 1000. Absent means no limit but the function's.")
  public Integer maximumConcurrency;

  /** Whether the source is a table's stream (else a queue). */
  public boolean stream() {
    return table != null;
  }

  public enum StartingPosition {
    LATEST,
    TRIM_HORIZON
  }

  /** The destination of records a stream mapping gave up on. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "has(self.topic) != has(self.queueArn)", message = "onFailure names exactly one of topic and queueArn", reason = "FieldValueInvalid")
  public static class Destination {
    @Size(max = 64)
    @JsonPropertyDescription("A topic in spec.topics.")
    public String topic;

    @Size(max = 256)
  @Pattern("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[a-zA-Z0-9_-]{1,80}(\\.fifo)?$")
    @JsonPropertyDescription("ARN of an SQS queue; a SlipwayTenancy of the namespace must allow it (queueArns).")
    public String queueArn;
  }
}
