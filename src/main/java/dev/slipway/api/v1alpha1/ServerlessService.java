package dev.slipway.api.v1alpha1;

import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One whole serverless backend: role, tables, functions and APIs, reconciled in dependency order. */
@Group(Slipway.GROUP)
@Version(Slipway.VERSION)
@ShortNames("sls")
public class ServerlessService extends CustomResource<ServerlessServiceSpec, ServerlessServiceStatus>
    implements Namespaced {

  @Override
  protected ServerlessServiceStatus initStatus() {
    return new ServerlessServiceStatus();
  }
}
