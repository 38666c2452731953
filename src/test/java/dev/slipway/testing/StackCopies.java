package dev.slipway.testing;

import dev.slipway.api.v1alpha1.DomainSpec;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.stream.Collectors;

/**
 * Copies of one example stack that can live side by side in one AWS account (tests and the bench run
 * many of them against one moto). Most names derive from the service's name already; the few that
 * are chosen in the spec and unique beyond it are renamed here.
 */
public final class StackCopies {

  private StackCopies() {}

  /** The ServerlessService of {@code yaml}, as a copy named {@code name}. */
  public static ServerlessService copy(String yaml, String name) {
    ServerlessService service = Serialization.unmarshal(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), ServerlessService.class);
    service.getMetadata().setName(name);
    rename(service.getSpec(), name);
    return service;
  }

  /**
   * The hosted-UI domain prefix (unique across AWS) and the custom domain names (unique in a region)
   * get {@code name} in front of them, as the service's other names do.
   */
  private static void rename(ServerlessServiceSpec spec, String name) {
    if (spec.auth != null && spec.auth.domainPrefix != null) {
      spec.auth.domainPrefix = name + "-" + spec.auth.domainPrefix;
    }
    DomainSpec d = spec.domain;
    if (d != null) {
      String zone = d.hostedZone;
      d.hostedZone = name + "." + zone;
      d.api = d.api == null ? null : d.api.replace(zone, d.hostedZone);
      d.webSocket = d.webSocket == null ? null : d.webSocket.replace(zone, d.hostedZone);
      d.frontend = d.frontend == null ? null : d.frontend.replace(zone, d.hostedZone);
      d.frontendAliases = d.frontendAliases.stream().map(a -> a.replace(zone, d.hostedZone))
          .collect(Collectors.toCollection(ArrayList::new));
    }
  }
}
