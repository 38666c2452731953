package dev.slipway.tenancy;

/** Glob patterns of a SlipwayTenancy: {@code *} any run of characters (also none), {@code ?} one character. */
final class Glob {

  private Glob() {}

  static boolean matches(String pattern, String value) {
    return match(pattern, value, false);
  }

  /**
   * Whether everything {@code value}, itself read as a glob, can stand for matches {@code pattern}:
   * the value's {@code *} is covered only by the pattern's {@code *} (a {@code ?} is one character, a
   * {@code *} any number), its {@code ?} by either.
   */
  static boolean covers(String pattern, String value) {
    return match(pattern, value, true);
  }

  private static boolean match(String pattern, String value, boolean valueIsGlob) {
    if (pattern == null || value == null) {
      return false;
    }
    // Iterative matching with one backtrack point: linear in practice, no regex built from user input.
    int p = 0;
    int v = 0;
    int star = -1;
    int mark = 0;
    while (v < value.length()) {
      // The pattern's * first: a value's own * must not take it as a literal and lose the backtrack point.
      if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        mark = v;
      } else if (p < pattern.length() && ((pattern.charAt(p) == '?' && !(valueIsGlob && value.charAt(v) == '*')) || pattern.charAt(p) == value.charAt(v))) {
        p++;
        v++;
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
