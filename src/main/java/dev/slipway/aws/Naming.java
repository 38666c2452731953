package dev.slipway.aws;

import dev.slipway.api.v1alpha1.ServerlessServiceSpec;

/** How AWS names derive from a ServerlessService: {@code <prefix>-<logical name>}. */
public final class Naming {

  private Naming() {}

  /** {@code spec.namePrefix}, or {@code <metadata.name>-<stage>}. */
  public static String prefix(String serviceName, ServerlessServiceSpec spec) {
    return spec.namePrefix != null ? spec.namePrefix : serviceName + "-" + spec.stage;
  }

  public static String physical(String serviceName, ServerlessServiceSpec spec, String logical) {
    return prefix(serviceName, spec) + "-" + logical;
  }

  /** The REST API's name: {@code restApi.name} or {@code <prefix>-api}. */
  public static String restApiName(String serviceName, ServerlessServiceSpec spec) {
    return spec.restApi.name != null ? spec.restApi.name : physical(serviceName, spec, "api");
  }
}
