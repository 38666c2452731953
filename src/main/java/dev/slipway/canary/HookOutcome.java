package dev.slipway.canary;

/**
 * What one hook attempt found. {@code terminal}: no further attempt can change it (the tenancy or
 * the outbound policy refused the hook, or AWS refused the call for good).
 */
public record HookOutcome(boolean passed, boolean terminal, String reason, String message) {

  /** Longest message kept in status: a hook's own words are recorded, never at length. */
  public static final int MAX_MESSAGE = 256;

  public HookOutcome {
    if (message != null && message.length() > MAX_MESSAGE) {
      message = message.substring(0, MAX_MESSAGE - 1) + "…";
    }
  }
}
