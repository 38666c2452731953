package dev.slipway.net;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where the operator's own HTTP requests on a user's behalf (HTTP analysis checks, Slack webhooks)
 * may go. By default nowhere internal: not loopback, link-local (169.254.0.0/16, the instance
 * metadata service among them), private or shared (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7 —
 * where pods and cluster services live), unspecified or multicast addresses. A SlipwayTenancy lists
 * the internal ranges its namespaces may reach ({@code internalTargets}).
 *
 * <p>The check resolves the host at call time, and every address it resolves to must pass; the JDK
 * HTTP client then connects through the same JVM address cache ({@code networkaddress.cache.ttl},
 * 30 s by default), so a DNS answer that changes between check and connect is not picked up.
 */
public final class OutboundPolicy {

  /** The longest any such request may take, whatever a policy asks. */
  public static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);

  private static final List<Cidr> INTERNAL = List.of(
      "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
      "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
      "::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8", "64:ff9b::/96").stream().map(Cidr::parse).toList();

  private static final OutboundPolicy DEFAULT = new OutboundPolicy(List.of());

  private final List<Cidr> allowedInternal;

  private OutboundPolicy(List<Cidr> allowedInternal) {
    this.allowedInternal = List.copyOf(allowedInternal);
  }

  /** No internal target allowed. */
  public static OutboundPolicy publicOnly() {
    return DEFAULT;
  }

  /**
   * Also the internal ranges {@code cidrs} (IP literals with an optional prefix). An entry that is
   * not a range is ignored: it must not widen anything.
   */
  public static OutboundPolicy allowing(List<String> cidrs) {
    return new OutboundPolicy(cidrs.stream().flatMap(c -> {
      try {
        return java.util.stream.Stream.of(Cidr.parse(c));
      } catch (IllegalArgumentException e) {
        return java.util.stream.Stream.empty();
      }
    }).toList());
  }

  /** Thrown for a target the policy refuses; the message names the host only when told to. */
  public static final class RefusedTarget extends Exception {
    RefusedTarget(String message) {
      super(message);
    }
  }

  /**
   * Resolves {@code uri}'s host and checks every address. {@code what} names the target in the
   * message ("GET https://x/health", or "the Slack webhook" when the URL is a secret).
   */
  public void check(URI uri, String what) throws RefusedTarget {
    String host = uri.getHost();
    if (host == null) {
      throw new RefusedTarget(what + " has no host");
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new RefusedTarget(what + ": host does not resolve");
    }
    for (InetAddress a : addresses) {
      Optional<Cidr> internal = internalRange(a);
      if (internal.isPresent() && allowedInternal.stream().noneMatch(c -> c.contains(a))) {
        throw new RefusedTarget(what + " refused: it resolves to an internal address (" + internal.get()
            + "); a SlipwayTenancy must list it in internalTargets");
      }
    }
  }

  /** The internal range {@code a} is in, if any. */
  static Optional<Cidr> internalRange(InetAddress a) {
    return INTERNAL.stream().filter(c -> c.contains(a)).findFirst();
  }

  /** {@code requested}, but never more than {@link #MAX_TIMEOUT}; absent, zero or negative is the maximum. */
  public static Duration timeout(Duration requested) {
    if (requested == null || requested.isNegative() || requested.isZero() || requested.compareTo(MAX_TIMEOUT) > 0) {
      return MAX_TIMEOUT;
    }
    return requested;
  }
}
