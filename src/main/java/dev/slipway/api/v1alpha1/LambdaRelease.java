package dev.slipway.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One rollout of new code to one function's alias, shifted step by step and judged on live metrics. */
@Group(Slipway.GROUP)
@Version(Slipway.VERSION)
@ShortNames("lr")
@AdditionalPrinterColumn(name = "Function", jsonPath = ".status.function", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Stable", jsonPath = ".status.stableVersion", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Canary", jsonPath = ".status.canaryVersion", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Weight", jsonPath = ".status.weight", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Step", jsonPath = ".status.stepLabel", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class LambdaRelease extends CustomResource<LambdaReleaseSpec, LambdaReleaseStatus> implements Namespaced {

  @Override
  protected LambdaReleaseStatus initStatus() {
    return new LambdaReleaseStatus();
  }
}
