package dev.slipway.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** How releases progress: traffic steps, the analysis that judges them, and who is told. */
@Group(Slipway.GROUP)
@Version(Slipway.VERSION)
@ShortNames("cp")
@AdditionalPrinterColumn(name = "Preset", jsonPath = ".spec.preset", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Steps", jsonPath = ".status.summary", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Valid",
    jsonPath = ".status.conditions[?(@.type==\"Valid\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class CanaryPolicy extends CustomResource<CanaryPolicySpec, CanaryPolicyStatus> implements Namespaced {

  @Override
  protected CanaryPolicyStatus initStatus() {
    return new CanaryPolicyStatus();
  }
}
