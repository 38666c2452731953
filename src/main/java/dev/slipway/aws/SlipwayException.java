package dev.slipway.aws;

/** A failure Slipway itself detects, with the reason shown in conditions and events. */
public class SlipwayException extends RuntimeException {

  private final String reason;
  private final boolean terminal;

  public SlipwayException(String reason, String message, boolean terminal) {
    super(message);
    this.reason = reason;
    this.terminal = terminal;
  }

  /** Bad input or a state only a user can fix: no retry until the spec changes. */
  public static SlipwayException terminal(String reason, String message) {
    return new SlipwayException(reason, message, true);
  }

  /** A passing state (an update in progress, a dependency not ready): try again later. */
  public static SlipwayException retryable(String reason, String message) {
    return new SlipwayException(reason, message, false);
  }

  public String reason() {
    return reason;
  }

  public boolean terminal() {
    return terminal;
  }
}
