package dev.slipway.aws;

/** Tag keys Slipway puts on the AWS resources it manages. */
public final class Tags {
  public static final String MANAGED_BY = "slipway.dev/managed-by";
  /** {@code <namespace>.<name>} of the owning ServerlessService. */
  public static final String SERVICE = "slipway.dev/service";
  public static final String STAGE = "slipway.dev/stage";

  private Tags() {}
}
