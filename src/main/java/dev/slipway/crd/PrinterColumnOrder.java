package dev.slipway.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Build-time CRD post-processor (hooked in with {@code quarkus.operator-sdk.crd.post-processor}):
 * puts each version's additionalPrinterColumns in the order in which the custom resource class
 * declares its {@link AdditionalPrinterColumn} annotations. fabric8's generator collects them in a
 * TreeMap and emits them alphabetically, so without this `kubectl get lambdareleases` would print
 * AGE first and FUNCTION in the middle.
 *
 * <p>The class of a CRD version is found by convention, {@code dev.slipway.api.<version>.<Kind>};
 * a Slipway CRD whose class is not there fails the build rather than keep a silent wrong order.
 * Columns that have no class-level annotation (for example field-level {@code @PrinterColumn}s)
 * keep their relative order after the annotated ones.
 *
 * <p>It also drops {@code priority: 0} from every column. 0 is the default and the API server does
 * not store it, so a CRD file that spells it out differs from the live object forever: client-side
 * {@code kubectl apply} then sends the whole versions list (it has no merge key) on every run and
 * reports "configured" although nothing changes.
 */
public class PrinterColumnOrder implements CRDPostProcessor {

  static final String GROUP = "slipway.dev";
  static final String API_PACKAGE = "dev.slipway.api";

  public PrinterColumnOrder() {}

  @Override
  public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
    if (!(crd instanceof CustomResourceDefinition v1) || !GROUP.equals(v1.getSpec().getGroup())) {
      return crd;
    }
    String kind = v1.getSpec().getNames().getKind();
    for (CustomResourceDefinitionVersion version : v1.getSpec().getVersions()) {
      List<CustomResourceColumnDefinition> columns = version.getAdditionalPrinterColumns();
      if (columns == null || columns.isEmpty()) {
        continue;
      }
      List<String> declared = declaredJsonPaths(resourceClass(version.getName(), kind));
      List<CustomResourceColumnDefinition> ordered = new ArrayList<>(columns);
      // List.sort is stable: columns not declared on the class keep their order, after the rest.
      ordered.sort(Comparator.comparingInt(c -> rank(declared, c)));
      for (CustomResourceColumnDefinition column : ordered) {
        if (column.getPriority() != null && column.getPriority() == 0) {
          column.setPriority(null);
        }
      }
      version.setAdditionalPrinterColumns(ordered);
    }
    return crd;
  }

  /** jsonPaths of the class-level columns, in declaration order (javac keeps repeated annotations in source order). */
  static List<String> declaredJsonPaths(Class<?> resource) {
    List<String> paths = new ArrayList<>();
    for (AdditionalPrinterColumn column : resource.getAnnotationsByType(AdditionalPrinterColumn.class)) {
      paths.add(column.jsonPath());
    }
    return paths;
  }

  private static int rank(List<String> declared, CustomResourceColumnDefinition column) {
    int i = declared.indexOf(column.getJsonPath());
    return i < 0 ? declared.size() : i;
  }

  static Class<?> resourceClass(String version, String kind) {
    String name = API_PACKAGE + "." + version + "." + kind;
    ClassLoader tccl = Thread.currentThread().getContextClassLoader();
    try {
      return Class.forName(name, false, tccl != null ? tccl : PrinterColumnOrder.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "CRD " + kind + "." + GROUP + "/" + version + ": no class " + name + " to read the printer-column order from", e);
    }
  }
}
