package dev.slipway.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Which AWS identities, accounts, regions and functions the objects of some namespaces may use.
 * Cluster-scoped and owned by cluster administrators (tenants get no RBAC on it): a namespace that
 * no SlipwayTenancy selects may use only the operator's own identity, no {@code roleArn}, and no
 * {@code functionName} release. Several tenancies selecting one namespace add up.
 *
 * <p>A cluster-scoped custom resource rather than a ConfigMap in the operator's namespace: its
 * schema is validated by the API server, {@code kubectl get slipwaytenancies} lists every grant,
 * RBAC on it is separate from RBAC on ConfigMaps, and the operator watches it like any other kind.
 */
@Group(Slipway.GROUP)
@Version(Slipway.VERSION)
@ShortNames("tenancy")
@AdditionalPrinterColumn(name = "Namespaces", jsonPath = ".spec.namespaces", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class SlipwayTenancy extends CustomResource<SlipwayTenancySpec, Void> {}
