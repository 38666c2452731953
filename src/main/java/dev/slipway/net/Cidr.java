package dev.slipway.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address range, {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a range of one. */
public record Cidr(byte[] network, int prefix, String text) {

  /** Parses without any DNS lookup: only IP literals are accepted. */
  public static Cidr parse(String s) {
    String t = s.trim();
    int slash = t.indexOf('/');
    String address = slash < 0 ? t : t.substring(0, slash);
    if (!address.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
      throw new IllegalArgumentException("not an IP address range: " + s);
    }
    byte[] bytes;
    try {
      bytes = normalise(InetAddress.getByName(address)).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address range: " + s);
    }
    int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(t.substring(slash + 1));
    if (prefix < 0 || prefix > bytes.length * 8) {
      throw new IllegalArgumentException("prefix out of range: " + s);
    }
    return new Cidr(bytes, prefix, t);
  }

  public boolean contains(InetAddress a) {
    byte[] b = normalise(a).getAddress();
    if (b.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (b[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (b[full] & mask) == (network[full] & mask);
  }

  /** An IPv4-mapped IPv6 address ({@code ::ffff:127.0.0.1}) is the IPv4 address it maps. */
  static InetAddress normalise(InetAddress a) {
    if (a instanceof Inet6Address) {
      byte[] b = a.getAddress();
      boolean mapped = true;
      for (int i = 0; i < 10; i++) {
        mapped &= b[i] == 0;
      }
      mapped &= (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
      if (mapped) {
        try {
          return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return a;
  }

  @Override
  public String toString() {
    return text;
  }
}
