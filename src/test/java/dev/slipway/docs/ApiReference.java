package dev.slipway.docs;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Renders the API reference (docs/api-reference.md) from the committed CRDs, so field documentation
 * is written once, in the Java types' descriptions, and never by hand twice.
 */
public final class ApiReference {

  private ApiReference() {}

  public static String render(Path crdDir) throws IOException {
    List<CustomResourceDefinition> crds = new ArrayList<>();
    try (Stream<Path> files = Files.list(crdDir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList()) {
        crds.add(Serialization.unmarshal(Files.readString(f), CustomResourceDefinition.class));
      }
    }
    crds.sort(Comparator.comparing(c -> c.getSpec().getNames().getKind()));
    StringBuilder out = new StringBuilder();
    out.append("# API reference — slipway.dev/v1alpha1\n\n");
    out.append("Generated from `deploy/crds/` by `make docs`; edit the descriptions in `src/main/java/dev/slipway/api/v1alpha1/`, not this file.\n\n");
    for (CustomResourceDefinition crd : crds) {
      var names = crd.getSpec().getNames();
      out.append("- [").append(names.getKind()).append("](#").append(names.getKind().toLowerCase()).append(")\n");
    }
    for (CustomResourceDefinition crd : crds) {
      var names = crd.getSpec().getNames();
      var version = crd.getSpec().getVersions().get(0);
      out.append("\n## ").append(names.getKind()).append("\n\n");
      out.append("`kubectl get ").append(names.getPlural());
      if (names.getShortNames() != null && !names.getShortNames().isEmpty()) {
        out.append("` (short: `").append(String.join("`, `", names.getShortNames()));
      }
      out.append("`)\n\n");
      if (version.getAdditionalPrinterColumns() != null && !version.getAdditionalPrinterColumns().isEmpty()) {
        out.append("Columns: ");
        out.append(String.join(", ", version.getAdditionalPrinterColumns().stream().map(c -> c.getName().toUpperCase()).toList()));
        out.append("\n");
      }
      JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
      for (String part : List.of("spec", "status")) {
        JSONSchemaProps p = root.getProperties().get(part);
        if (p != null) {
          out.append("\n### ").append(part).append("\n\n");
          rules(out, p);
          out.append("| Field | Type | Description |\n|---|---|---|\n");
          fields(out, part, p, Set.copyOf(p.getRequired() == null ? List.of() : p.getRequired()));
        }
      }
    }
    return out.toString();
  }

  private static void rules(StringBuilder out, JSONSchemaProps p) {
    if (p.getXKubernetesValidations() != null) {
      for (ValidationRule r : p.getXKubernetesValidations()) {
        out.append("- Rule: ").append(r.getMessage()).append("\n");
      }
      out.append("\n");
    }
  }

  private static void fields(StringBuilder out, String path, JSONSchemaProps schema, Set<String> required) {
    if (schema.getProperties() == null) {
      return;
    }
    for (Map.Entry<String, JSONSchemaProps> e : new java.util.TreeMap<>(schema.getProperties()).entrySet()) {
      String field = path + "." + e.getKey();
      JSONSchemaProps p = e.getValue();
      out.append("| `").append(field).append("`").append(required.contains(e.getKey()) ? " (required)" : "")
          .append(" | ").append(type(p)).append(" | ").append(describe(p)).append(" |\n");
      JSONSchemaProps nested = "array".equals(p.getType()) && p.getItems() != null ? p.getItems().getSchema() : p;
      if (nested != null && nested.getProperties() != null) {
        fields(out, field + ("array".equals(p.getType()) ? "[]" : ""), nested, Set.copyOf(nested.getRequired() == null ? List.of() : nested.getRequired()));
      }
    }
  }

  private static String type(JSONSchemaProps p) {
    if ("array".equals(p.getType()) && p.getItems() != null && p.getItems().getSchema() != null) {
      return "[]" + type(p.getItems().getSchema());
    }
    if ("object".equals(p.getType()) && p.getAdditionalProperties() != null && p.getAdditionalProperties().getSchema() != null) {
      return "map[string]" + type(p.getAdditionalProperties().getSchema());
    }
    return p.getType() == null ? "object" : p.getType();
  }

  private static String describe(JSONSchemaProps p) {
    List<String> parts = new ArrayList<>();
    if (p.getDescription() != null) {
      parts.add(p.getDescription().replace("|", "\\|").replace("\n", " "));
    }
    if (p.getEnum() != null && !p.getEnum().isEmpty()) {
      parts.add("One of: " + String.join(", ", p.getEnum().stream().map(n -> "`" + n.asText() + "`").toList()) + ".");
    }
    if (p.getMinimum() != null || p.getMaximum() != null) {
      parts.add("Range " + (p.getMinimum() == null ? "…" : fmt(p.getMinimum())) + "–" + (p.getMaximum() == null ? "…" : fmt(p.getMaximum())) + ".");
    }
    if (p.getDefault() != null) {
      parts.add("Default `" + p.getDefault().asText() + "`.");
    }
    JSONSchemaProps rulesOf = p;
    if ("array".equals(p.getType()) && p.getItems() != null && p.getItems().getSchema() != null) {
      rulesOf = p.getItems().getSchema();
    }
    if (rulesOf.getXKubernetesValidations() != null) {
      rulesOf.getXKubernetesValidations().forEach(r -> parts.add("Rule: " + r.getMessage() + "."));
    }
    return String.join(" ", parts);
  }

  private static String fmt(Double d) {
    return d == Math.floor(d) ? Long.toString(d.longValue()) : d.toString();
  }
}
