package dev.slipway.aws;

/**
 * One thing a kind took back from a resource because a grant of the namespace's tenancy was
 * revoked ({@link AwsResourceKind#revoke}).
 *
 * @param grant what is no longer granted ("queue arn:aws:sqs:...", "dynamodb:GetItem on arn:aws:dynamodb:...")
 * @param bound the tenancy fields it falls outside ("queueArns", "policyResources, policyActions")
 * @param taken what was taken back, as the start of a sentence ("Disabled event source mapping ...")
 * @param restored how it comes back ("it is enabled again when the grant returns")
 */
public record Revocation(String grant, String bound, String taken, String restored) {

  /** What a revoked queue grant took back. */
  public static Revocation ofQueue(String queueArn, String taken, String restored) {
    return new Revocation("queue " + queueArn, "queueArns", taken, restored);
  }

  /** The Warning event's message. */
  public String message() {
    return taken + ": " + grant + " is no longer granted to the namespace; " + restored;
  }
}
