package dev.slipway.tenancy;

/** Glob patterns of a SlipwayTenancy: {@code *} any run of characters (also none), {@code ?} one character. */
final class Glob {

  private Glob() {}

  static boolean matches(String pattern, String value) {
    if (pattern == null || value == null) {
      return false;
    }
    // Iterative matching with one backtrack point: linear in practice, no regex built from user input.
    int p = 0;
    int v = 0;
    int star = -1;
    int mark = 0;
    while (v < value.length()) {
      if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == value.charAt(v))) {
        p++;
        v++;
      } else if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        mark = v;
      } else if (star >= 0) {
        p = star + 1;
        v = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }
}
