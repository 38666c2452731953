package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** An SNS topic of the service, its subscriptions and who else may publish to it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.contentBasedDeduplication) || (has(self.fifo) && self.fifo)",
    message = "contentBasedDeduplication applies only to FIFO topics",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "!has(self.subscriptions) || self.subscriptions.all(s, self.subscriptions.exists_one(t, t.protocol == s.protocol && t.endpoint == s.endpoint))",
    message = "a topic's subscriptions must be unique by protocol and endpoint",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.subscriptions) || !has(self.fifo) || !self.fifo || self.subscriptions.all(s, s.protocol == 'sqs')",
    message = "a FIFO topic delivers only to SQS queues",
    reason = "FieldValueForbidden")
public class TopicSpec {

  @Required
  @Size(max = 64)
  @Pattern("^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$")
  @JsonPropertyDescription(
      "Logical topic name; the AWS topic is <namePrefix>-<name> (with .fifo for a FIFO topic). Functions and subscriptions refer to it"
          + " by this name.")
  public String name;

  @JsonPropertyDescription("A FIFO topic (ordered, deduplicated; delivers to SQS FIFO queues only). A FIFO topic is named <name>.fifo, so changing"
          + " this makes a new topic and the old one follows deletionPolicy. Default false.")
  public Boolean fifo;

  @JsonPropertyDescription("FIFO only: deduplicate by a SHA-256 of the message body when the publisher sends no deduplication id.")
  public Boolean contentBasedDeduplication;

  @Size(max = 2048)
  @JsonPropertyDescription(
      "KMS key that encrypts messages at rest: alias/aws/sns for the AWS managed key, or a customer managed key's ARN, to which"
          + " publishing functions are then granted kms:GenerateDataKey and kms:Decrypt. Absent means unencrypted.")
  public String kmsMasterKeyId;

  @Size(max = 16)
  @JsonPropertyDescription("Where the topic delivers. Email subscriptions stay pending until the recipient confirms them.")
  public List<Subscription> subscriptions = new ArrayList<>();

  @Size(max = 8)
  @JsonPropertyDescription(
      "AWS service principals that may publish to the topic from this account only (the policy conditions on aws:SourceAccount), for"
          + " example cloudwatch.amazonaws.com for alarms or events.amazonaws.com for EventBridge rules. The topic policy Slipway writes"
          + " otherwise allows only the account itself and refuses publishing without TLS.")
  public List<Publisher> allowPublishFrom = new ArrayList<>();

  /** The AWS name: {@code <prefix>-<name>}, with the {@code .fifo} suffix SNS requires of FIFO topics. */
  public String physicalName(String prefix) {
    return prefix + "-" + name + (Boolean.TRUE.equals(fifo) ? ".fifo" : "");
  }

  /** One delivery target of a topic. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Subscription {
    @Required
    @JsonPropertyDescription("email, https, sqs, or lambda (a function of this service, invoked through its stage alias).")
    public Protocol protocol;

    @Required
    @Size(min = 1, max = 2048)
    @JsonPropertyDescription(
        "The address: an email address, an https URL, an SQS queue ARN (one a SlipwayTenancy of the namespace allows in queueArns),"
            + " or for lambda the name of a function in spec.functions.")
    public String endpoint;

    public Subscription() {}

    public Subscription(Protocol protocol, String endpoint) {
      this.protocol = protocol;
      this.endpoint = endpoint;
    }
  }

  /** AWS services that publish to topics on an account's behalf. */
  public enum Publisher {
    @JsonProperty("cloudwatch.amazonaws.com") CLOUDWATCH,
    @JsonProperty("events.amazonaws.com") EVENTBRIDGE,
    @JsonProperty("s3.amazonaws.com") S3,
    @JsonProperty("budgets.amazonaws.com") BUDGETS,
    @JsonProperty("backup.amazonaws.com") BACKUP,
    @JsonProperty("codestar-notifications.amazonaws.com") CODESTAR_NOTIFICATIONS;

    /** The principal as IAM writes it. */
    public String principal() {
      try {
        return Publisher.class.getField(name()).getAnnotation(JsonProperty.class).value();
      } catch (NoSuchFieldException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Delivery protocols Slipway manages. */
  public enum Protocol {
    email,
    https,
    sqs,
    lambda
  }
}
