package dev.slipway.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Columns as kubectl prints them: upper-case headers, left-aligned, three spaces apart; "-" for nothing. */
final class Table {

  private final List<String[]> rows = new ArrayList<>();

  Table(String... header) {
    rows.add(header);
  }

  Table row(Object... cells) {
    rows.add(Arrays.stream(cells).map(c -> c == null || c.toString().isEmpty() ? "-" : c.toString()).toArray(String[]::new));
    return this;
  }

  boolean isEmpty() {
    return rows.size() == 1;
  }

  void print(PrintWriter out) {
    int[] width = new int[rows.get(0).length];
    rows.forEach(r -> {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    });
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(i == r.length - 1 ? r[i] : String.format("%-" + (width[i] + 3) + "s", r[i]));
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
