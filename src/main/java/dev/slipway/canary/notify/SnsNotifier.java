package dev.slipway.canary.notify;

import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Publishes to an SNS topic (e-mail, chat bots, queues). The event travels as the message
 * attribute {@code event}, so subscribers can filter, e.g. only RolledBack and Failed. The client
 * must be for the topic's region ({@link #region}).
 */
public final class SnsNotifier implements Notifier {

  private final SnsClient sns;
  private final String topicArn;

  public SnsNotifier(SnsClient sns, String topicArn) {
    this.sns = sns;
    this.topicArn = topicArn;
  }

  /** The region of a topic ARN: arn:aws:sns:REGION:account:name. */
  public static String region(String topicArn) {
    String[] parts = topicArn.split(":");
    if (parts.length < 6) {
      throw new IllegalArgumentException("not an SNS topic ARN: " + topicArn);
    }
    return parts[3];
  }

  @Override
  public String channel() {
    return "sns";
  }

  @Override
  public void send(Announcement a) {
    sns.publish(b -> b.topicArn(topicArn)
        .subject(a.subject())
        .message(a.headline() + "\n\n" + a.details())
        .messageAttributes(java.util.Map.of("event", MessageAttributeValue.builder().dataType("String").stringValue(a.event().name()).build())));
  }
}
