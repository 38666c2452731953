package dev.slipway.aws;

import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Sorts AWS failures into the two kinds the reconcilers treat differently: terminal (the request
 * itself is wrong or not allowed: retrying changes nothing until the spec or IAM changes) and
 * retryable (throttling, 5xx, timeouts, conflicts with an update in progress).
 */
public final class AwsErrors {

  /** The codes of services that say "too many requests" without the SDK's own throttling flag. */
  private static final Set<String> THROTTLING_CODES =
      Set.of(
          "Throttling",
          "ThrottlingException",
          "TooManyRequestsException",
          "RequestLimitExceeded",
          "ProvisionedThroughputExceededException",
          "EC2ThrottledException");

  /** Retryable besides throttling: a limit for now, an update in progress, a service not answering. */
  private static final Set<String> RETRYABLE_CODES =
      Set.of(
          "LimitExceededException",
          "ResourceConflictException",
          "ResourceInUseException",
          "ConflictException",
          "ConcurrentModificationException",
          "ServiceUnavailable",
          "InternalFailure",
          "RequestTimeout");

  private AwsErrors() {}

  /** The result of {@code read}, or empty when AWS says the resource does not exist. */
  public static <T> java.util.Optional<T> unlessNotFound(java.util.function.Supplier<T> read) {
    try {
      return java.util.Optional.ofNullable(read.get());
    } catch (RuntimeException e) {
      if (isNotFound(e)) {
        return java.util.Optional.empty();
      }
      throw e;
    }
  }

  /** Runs {@code call}; a resource that is already gone counts as done. */
  public static void ignoreNotFound(Runnable call) {
    unlessNotFound(() -> {
      call.run();
      return Boolean.TRUE;
    });
  }

  /**
   * The service says the resource does not exist. AWS services spell it in a few ways
   * ({@code ResourceNotFoundException}, {@code NoSuchEntity}, SNS's {@code NotFound}, SSM's
   * {@code ParameterNotFound}, CloudFront's {@code NoSuchDistribution}, RDS's {@code DBClusterNotFoundFault}, ElastiCache's {@code
   * CacheSubnetGroupNotFoundFault}); one rule covers them, so a
   * new kind adds no code here.
   */
  public static boolean isNotFound(Throwable t) {
    if (!(unwrap(t) instanceof AwsServiceException e)) {
      return false;
    }
    String code = errorCode(e);
    return e.statusCode() == 404 || code.startsWith("NoSuch") || code.endsWith("NotFound") || code.endsWith("NotFoundException")
        || code.endsWith("NotFoundFault");
  }

  /**
   * Whether AWS refused a conditional write because the resource changed since it was read (Lambda's
   * PreconditionFailedException on a stale RevisionId, HTTP 412).
   */
  public static boolean isPreconditionFailed(Throwable t) {
    return unwrap(t) instanceof AwsServiceException e && (e.statusCode() == 412 || "PreconditionFailedException".equals(errorCode(e)));
  }

  public static String errorCode(AwsServiceException e) {
    return e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
  }

  /**
   * The service says what a create call asked for exists already: IAM's {@code EntityAlreadyExists},
   * CloudWatch Logs' {@code ResourceAlreadyExistsException}, SSM's {@code ParameterAlreadyExists},
   * CloudFront's {@code ...AlreadyExists}, EC2's {@code InvalidGroup.Duplicate}, S3's
   * {@code BucketAlreadyOwnedByYou}, and DynamoDB's and Lambda's conflicts on a name in use. After a
   * create whose answer was lost, this is how the retry learns that the first attempt worked.
   */
  public static boolean isAlreadyExists(Throwable t) {
    if (!(unwrap(t) instanceof AwsServiceException e)) {
      return false;
    }
    String code = errorCode(e);
    return code.contains("AlreadyExists") || code.endsWith(".Duplicate") || code.equals("BucketAlreadyOwnedByYou")
        || code.equals("ResourceInUseException") || code.equals("ResourceConflictException");
  }

  /**
   * A create call failed in a way that does not tell whether AWS performed it: a 5xx, a timeout or
   * a broken connection (the answer may have been lost on the way back), throttling, or an
   * already-exists error (an earlier attempt did it). The runtime looks for the resource before it
   * creates again. A refusal (4xx other than those) says the call did nothing.
   */
  public static boolean mayHaveCreated(Throwable t) {
    Throwable cause = unwrap(t);
    if (cause instanceof AwsServiceException e) {
      return isAlreadyExists(e) || isRetryable(e);
    }
    return cause instanceof SdkClientException;
  }

  /** AWS refused the call for its rate (HTTP 429, or a throttling code): retryable, and counted apart in metrics. */
  public static boolean isThrottling(Throwable t) {
    return unwrap(t) instanceof AwsServiceException e && (e.isThrottlingException() || THROTTLING_CODES.contains(errorCode(e)));
  }

  /** Whether retrying the same request later may succeed. */
  public static boolean isRetryable(Throwable t) {
    Throwable cause = unwrap(t);
    if (cause instanceof SlipwayException s) {
      return !s.terminal();
    }
    if (cause instanceof AwsServiceException e) {
      return e.statusCode() >= 500 || isThrottling(e) || RETRYABLE_CODES.contains(errorCode(e));
    }
    // Connection refused, timeouts, broken streams: the peer may come back.
    return cause instanceof SdkClientException || !(cause instanceof IllegalArgumentException);
  }

  /** A CamelCase reason for conditions and events. */
  public static String reason(Throwable t) {
    Throwable cause = unwrap(t);
    if (cause instanceof SlipwayException s) {
      return s.reason();
    }
    if (cause instanceof AwsServiceException e) {
      String code = errorCode(e);
      if (code.startsWith("AccessDenied") || code.equals("UnauthorizedOperation") || e.statusCode() == 403) {
        return "AccessDenied";
      }
      return isRetryable(e) ? "AwsUnavailable" : "AwsRejected";
    }
    return cause instanceof SdkClientException ? "AwsUnreachable" : "InternalError";
  }

  /** A one-line message without request ids or stack noise. */
  public static String message(Throwable t) {
    Throwable cause = unwrap(t);
    if (cause instanceof AwsServiceException e && e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null) {
      return errorCode(e) + ": " + e.awsErrorDetails().errorMessage();
    }
    if (cause instanceof AwsServiceException e) {
      // No parsable error body (an HTML 404, a bare 500): the status code is all there is.
      return "HTTP " + e.statusCode() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }
}
