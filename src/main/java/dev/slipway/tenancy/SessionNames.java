package dev.slipway.tenancy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The STS session of an object: a name that tells CloudTrail which object a call was made for, and
 * session tags that a role's policies can match ({@code aws:PrincipalTag/slipway.dev/namespace}).
 */
public final class SessionNames {

  /** STS's limit on {@code RoleSessionName}. */
  static final int MAX = 64;
  public static final String TAG_NAMESPACE = "slipway.dev/namespace";
  public static final String TAG_KIND = "slipway.dev/kind";
  public static final String TAG_NAME = "slipway.dev/name";

  private SessionNames() {}

  /**
   * {@code <kind>.<namespace>.<name>}, e.g. {@code sls.chat.nexus}: Kubernetes names only use
   * characters STS allows ({@code [\w+=,.@-]}); anything else becomes {@code -}. A name longer than 64
   * characters keeps its beginning and ends in a hash of the whole, so it stays unique.
   */
  public static String of(String kind, String namespace, String name) {
    String full = (abbreviation(kind) + "." + namespace + "." + name).replaceAll("[^\\w+=,.@-]", "-");
    if (full.length() <= MAX) {
      return full;
    }
    String hash = sha256(full).substring(0, 12);
    return full.substring(0, MAX - hash.length() - 1) + "-" + hash;
  }

  /** The session tags of an object: its namespace, kind and name. */
  public static Map<String, String> tags(String kind, String namespace, String name) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(TAG_NAMESPACE, namespace);
    tags.put(TAG_KIND, kind);
    tags.put(TAG_NAME, name);
    return tags;
  }

  private static String abbreviation(String kind) {
    return switch (kind) {
      case "ServerlessService" -> "sls";
      case "LambdaRelease" -> "lr";
      default -> kind.toLowerCase();
    };
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
