package dev.slipway.aws;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A topological order of planned resources: each after everything it depends on, otherwise in plan
 * order, so the order (and with it status) is stable across reconciles. Resources on a cycle are left
 * out; the runtime reports them.
 */
final class DependencyOrder {

  private DependencyOrder() {}

  static List<Planned<?, ?>> of(Map<String, Planned<?, ?>> byKey) {
    Map<String, Integer> waiting = new LinkedHashMap<>();
    Map<String, List<String>> dependents = new HashMap<>();
    byKey.forEach((key, p) -> {
      int n = 0;
      for (String dep : p.dependsOn()) {
        if (byKey.containsKey(dep)) {
          n++;
          dependents.computeIfAbsent(dep, k -> new ArrayList<>()).add(key);
        }
      }
      waiting.put(key, n);
    });
    List<Planned<?, ?>> order = new ArrayList<>();
    boolean progress = true;
    while (progress) {
      progress = false;
      for (Map.Entry<String, Integer> e : waiting.entrySet()) {
        if (e.getValue() == 0) {
          e.setValue(-1);
          order.add(byKey.get(e.getKey()));
          dependents.getOrDefault(e.getKey(), List.of()).forEach(d -> waiting.computeIfPresent(d, (k, v) -> v - 1));
          progress = true;
          break; // rescan from the start: the earliest ready resource in plan order goes next
        }
      }
    }
    return order;
  }
}
