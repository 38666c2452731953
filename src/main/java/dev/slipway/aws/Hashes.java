package dev.slipway.aws;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of text, for fingerprints, stable ids and comparing secrets without keeping them. */
public final class Hashes {

  private Hashes() {}

  /** The SHA-256 of the UTF-8 bytes of {@code text}, as 64 hex digits. */
  public static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  /** The first 12 hex digits of {@link #sha256}: short enough for names and statement ids, stable across runs. */
  public static String shortSha256(String text) {
    return sha256(text).substring(0, 12);
  }
}
