package dev.slipway.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a Grafana dashboard's PromQL uses (panel targets' {@code expr}, template variables'
 * queries), with the label names each selector matches on: enough PromQL to find names, not to run it.
 */
public final class DashboardQueries {

  /** The deployable dashboard. */
  public static final Path DASHBOARD = Path.of("deploy/monitoring/slipway-dashboard.json");

  private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([^,()]+?)\\s*,\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*\\)");
  private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)\\}");
  private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)\\s*\"(?:[^\"\\\\]|\\\\.)*\"");
  /** Label lists of aggregations and vector matching, which name labels, not metrics. */
  private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(?!\\s*\\(|[a-zA-Z0-9_:])");
  private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan");

  private DashboardQueries() {}

  /** Every PromQL expression of the dashboard at {@code path}. */
  public static List<String> expressions(Path path) throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(path.toFile());
    List<String> found = new ArrayList<>();
    collect(dashboard.path("panels"), found);
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      JsonNode query = variable.path("query");
      String text = query.isObject() ? query.path("query").asText() : query.asText();
      if ("query".equals(variable.path("type").asText()) && !text.isBlank()) {
        found.add(text);
      }
    }
    return found;
  }

  private static void collect(JsonNode panels, List<String> found) {
    for (JsonNode panel : panels) {
      for (JsonNode target : panel.path("targets")) {
        if (target.hasNonNull("expr")) {
          found.add(target.get("expr").asText());
        }
      }
      collect(panel.path("panels"), found); // panels of a collapsed row
    }
  }

  /** Each metric name the expressions use, with the label names their selectors match on (empty: none). */
  public static Map<String, Set<String>> metrics(List<String> expressions) {
    Map<String, Set<String>> metrics = new TreeMap<>();
    for (String expr : expressions) {
      String e = LABEL_VALUES.matcher(expr).replaceAll("$1");
      Matcher s = SELECTOR.matcher(e);
      while (s.find()) {
        Set<String> labels = metrics.computeIfAbsent(s.group(1), n -> new TreeSet<>());
        Matcher m = MATCHER.matcher(s.group(2));
        while (m.find()) {
          labels.add(m.group(1));
        }
      }
      String bare = GROUPING.matcher(e.replaceAll("\\{[^}]*\\}", " ").replaceAll("\\[[^]]*\\]", " ")).replaceAll(" ");
      Matcher id = IDENTIFIER.matcher(bare);
      while (id.find()) {
        if (!KEYWORDS.contains(id.group()) && (id.start() == 0 || !Character.isDigit(bare.charAt(id.start() - 1)))) {
          metrics.computeIfAbsent(id.group(), n -> new TreeSet<>());
        }
      }
    }
    return metrics;
  }
}
