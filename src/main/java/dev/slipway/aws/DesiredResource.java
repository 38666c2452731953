package dev.slipway.aws;

/** A resource as the spec wants it. Its physical name identifies it in AWS (adoption is by name). */
public interface DesiredResource {

  /** The AWS name, for example {@code nexus-prod-usage}. */
  String physicalName();
}
