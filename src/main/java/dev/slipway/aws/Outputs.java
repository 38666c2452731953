package dev.slipway.aws;

/** Keys of the outputs stages publish in {@link StackContext} and status shows. */
public final class Outputs {
  /** The AWS account the service's resources live in, as STS reports it for the target's credentials. */
  public static final String REST_API_ID = "restApiId";
  public static final String REST_API_URL = "restApiUrl";
  public static final String WEBSOCKET_API_ID = "webSocketApiId";
  public static final String WEBSOCKET_URL = "webSocketUrl";

  private Outputs() {}

  public static String tableArn(String table) {
    return "table." + table + ".arn";
  }

  public static String tableStreamArn(String table) {
    return "table." + table + ".streamArn";
  }

  /** The execution role of one function (one role per function, least privilege for each). */
  public static String roleArn(String function) {
    return "function." + function + ".roleArn";
  }

  public static String functionArn(String function) {
    return "function." + function + ".arn";
  }

  public static String aliasArn(String function) {
    return "function." + function + ".aliasArn";
  }
}
