package dev.slipway.tenancy;

import dev.slipway.api.v1alpha1.SlipwayTenancy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where a reconciler reads the tenancy: two informers registered as its event sources, one on
 * SlipwayTenancies and one on Namespaces (for label selectors), both cluster-wide whatever the
 * controller watches. Decisions read their caches only, so they cost no API call.
 *
 * <p>A change to any tenancy re-evaluates every object of the controller: the old version of a
 * changed tenancy is not known to the mapper, and a narrowed tenancy must refuse objects it no
 * longer selects. Tenancies are changed rarely, by administrators, so that reconcile of all is cheap
 * enough. A changed namespace re-evaluates the objects in it.
 */
public final class TenancyWatch<P extends HasMetadata> {

  private InformerEventSource<SlipwayTenancy, P> tenancies;
  private InformerEventSource<Namespace, P> namespaces;
  private KubernetesClient client;

  /** The event sources to return from {@code prepareEventSources}. */
  public List<EventSource<?, P>> eventSources(EventSourceContext<P> context) {
    var primaries = context.getPrimaryCache();
    client = context.getClient();
    tenancies = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(SlipwayTenancy.class, context.getPrimaryResourceClass())
            .withName("tenancies")
            .withWatchAllNamespaces()
            .withSecondaryToPrimaryMapper(t -> primaries.list().map(ResourceID::fromResource).collect(Collectors.toSet()))
            .build(),
        context);
    namespaces = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Namespace.class, context.getPrimaryResourceClass())
            .withName("tenancy-namespaces")
            .withWatchAllNamespaces()
            .withSecondaryToPrimaryMapper(n -> primaries.list(n.getMetadata().getName()).map(ResourceID::fromResource).collect(Collectors.toSet()))
            .build(),
        context);
    return List.of(tenancies, namespaces);
  }

  /**
   * The verdict for one object's request, from the informers' caches. A refusal is confirmed by
   * reading the tenancies and the namespace from the API server: a grant an administrator has just
   * made may not have reached the informer yet, and a refused release fails for good.
   */
  public TenancyRules.Verdict decide(TenancyRules.Request request) {
    if (tenancies == null) {
      throw new IllegalStateException("tenancy informers not started");
    }
    Map<String, String> labels = namespaces.get(new ResourceID(request.namespace()))
        .map(n -> n.getMetadata().getLabels())
        .orElse(Map.of());
    TenancyRules.Verdict cached = TenancyRules.decide(tenancies.list().toList(), labels, request);
    if (cached instanceof TenancyRules.Permitted) {
      return cached;
    }
    Namespace live = client.namespaces().withName(request.namespace()).get();
    Map<String, String> liveLabels = live == null || live.getMetadata().getLabels() == null ? Map.of() : live.getMetadata().getLabels();
    return TenancyRules.decide(client.resources(SlipwayTenancy.class).list().getItems(), liveLabels, request);
  }
}
