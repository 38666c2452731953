package dev.slipway.aws.kinds;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Fits physical names into AWS length limits. A name that is too long keeps its readable start and
 * ends with a hash of the whole name, so the result is stable across reconciles (adoption is by name)
 * and two long names that share a start still differ.
 */
public final class PhysicalNames {

  /** IAM role names and Lambda function names may have at most 64 characters. */
  public static final int IAM_ROLE_MAX = 64;

  private static final int HASH_CHARS = 8;

  private PhysicalNames() {}

  public static String fit(String name, int max) {
    if (name.length() <= max) {
      return name;
    }
    return name.substring(0, max - HASH_CHARS - 1) + "-" + sha256(name).substring(0, HASH_CHARS);
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
