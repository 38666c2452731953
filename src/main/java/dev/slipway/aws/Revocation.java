package dev.slipway.aws;

/**
 * One thing a kind took back from a resource because a queue grant of the namespace was revoked
 * ({@link AwsResourceKind#revokeQueues}).
 *
 * @param queue the ARN of the queue no longer granted
 * @param taken what was taken back, as the start of a sentence ("Disabled event source mapping ...")
 * @param restored how it comes back ("it is enabled again when the grant returns")
 */
public record Revocation(String queue, String taken, String restored) {

  /** The Warning event's message. */
  public String message() {
    return taken + ": queue " + queue + " is no longer granted to the namespace; " + restored;
  }
}
