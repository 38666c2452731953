package dev.slipway.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One whole serverless backend: role, tables, functions and APIs, reconciled in dependency order. */
@Group(Slipway.GROUP)
@Version(Slipway.VERSION)
@ShortNames("sls")
@AdditionalPrinterColumn(name = "Stage", jsonPath = ".spec.stage", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Region", jsonPath = ".spec.region", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class ServerlessService extends CustomResource<ServerlessServiceSpec, ServerlessServiceStatus>
    implements Namespaced {

  @Override
  protected ServerlessServiceStatus initStatus() {
    return new ServerlessServiceStatus();
  }
}
