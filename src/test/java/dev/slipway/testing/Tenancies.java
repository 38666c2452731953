package dev.slipway.testing;

import dev.slipway.api.v1alpha1.SlipwayTenancy;
import dev.slipway.api.v1alpha1.SlipwayTenancySpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.function.Consumer;

/**
 * SlipwayTenancies for tests: what a cluster administrator would grant one test namespace. The
 * operator's default (no tenancy: the operator's own identity only, no roleArn, no functionName
 * release) stays as it is; a test that needs more asks for exactly that, for its own namespace.
 */
public final class Tenancies {

  private Tenancies() {}

  /** The tenancy of one test namespace is named after it (tenancies are cluster-scoped). */
  public static String nameFor(String namespace) {
    return "test-" + namespace;
  }

  /** A tenancy selecting only {@code namespace}, with the grants {@code grants} fills in; replaces an earlier one. */
  public static SlipwayTenancy grant(KubernetesClient client, String namespace, Consumer<SlipwayTenancySpec> grants) {
    SlipwayTenancy t = new SlipwayTenancy();
    t.setMetadata(new ObjectMetaBuilder().withName(nameFor(namespace)).build());
    SlipwayTenancySpec spec = new SlipwayTenancySpec();
    spec.namespaces = List.of(namespace);
    grants.accept(spec);
    t.setSpec(spec);
    return client.resource(t).forceConflicts().fieldManager("slipway-tests").serverSideApply();
  }

  /** Lets {@code namespace} release to any function (functionName releases) in {@code region}. */
  public static SlipwayTenancy allowFunctionReleases(KubernetesClient client, String namespace, String region) {
    return grant(client, namespace, s -> {
      s.functionNames = List.of("*");
      s.regions = List.of(region);
    });
  }

  /** Removes the namespace's tenancy, if there is one. */
  public static void revoke(KubernetesClient client, String namespace) {
    client.resources(SlipwayTenancy.class).withName(nameFor(namespace)).delete();
  }
}
