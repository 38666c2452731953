package dev.slipway.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.history.ReleaseJson;
import dev.slipway.history.ReleaseRecord;
import dev.slipway.history.ReleaseReport;
import dev.slipway.history.Since;
import dev.slipway.release.LambdaReleaseReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * The deployment history served on the operator's HTTP port, the figures of {@code kubectl slipway
 * history} and {@code stats} as JSON:
 *
 * <ul>
 *   <li>{@code GET /api/v1/namespaces/{ns}/releases[?service=S][&function=F][&since=30d]}: the releases
 *       of the window, newest first;
 *   <li>{@code GET /api/v1/namespaces/{ns}/releases/{name}}: one release, whatever its age;
 *   <li>{@code GET /api/v1/namespaces/{ns}/stats[?since=30d]}: success and rollback rate, mean and p95
 *       duration per service, per function and in total.
 * </ul>
 *
 * Each request is authorised for its namespace by Kubernetes ({@link NamespaceAccess}): {@code list}
 * LambdaReleases for the lists and stats, {@code get} for one. The releases come from the release
 * controller's informer cache, or a list call while that has not synced.
 */
@Singleton
public class HistoryApi {

  private static final Logger LOG = Logger.getLogger(HistoryApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String PREFIX = "/api/v1/namespaces/:ns/";
  private static final Duration DEFAULT_WINDOW = Duration.ofDays(30);

  private final KubernetesClient client;
  private final LambdaReleaseReconciler releases;
  private final NamespaceAccess access;
  private final ReleaseReport report;

  @Inject
  public HistoryApi(KubernetesClient client, LambdaReleaseReconciler releases, Clock clock) {
    this.client = client;
    this.releases = releases;
    this.access = new NamespaceAccess(client);
    this.report = new ReleaseReport(clock);
  }

  void routes(@Observes Router router) {
    // Not ordered: the reviews and a list call block a worker, not each other.
    router.get(PREFIX + "releases").blockingHandler(ctx -> serve(ctx, "list", this::list), false);
    router.get(PREFIX + "releases/:name").blockingHandler(ctx -> serve(ctx, "get", this::one), false);
    router.get(PREFIX + "stats").blockingHandler(ctx -> serve(ctx, "list", this::stats), false);
  }

  /** What one endpoint answers for an authorised namespace: a status and a body. */
  private interface Handler {
    Answer answer(RoutingContext ctx, String namespace);
  }

  private record Answer(int status, Object body) {
    static Answer error(int status, String message) {
      return new Answer(status, Map.of("status", status, "message", message));
    }
  }

  private void serve(RoutingContext ctx, String verb, Handler handler) {
    String ns = ctx.pathParam("ns");
    Answer answer;
    try {
      NamespaceAccess.Verdict verdict = access.check(ctx.request().getHeader(HttpHeaders.AUTHORIZATION), verb, ns);
      answer = switch (verdict) {
        case ALLOWED -> handler.answer(ctx, ns);
        case UNAUTHENTICATED -> Answer.error(verdict.status, "a valid bearer token is required");
        case FORBIDDEN -> Answer.error(verdict.status, "not allowed to " + verb + " lambdareleases.slipway.dev in namespace " + ns);
      };
    } catch (IllegalArgumentException e) {
      answer = Answer.error(400, e.getMessage());
    } catch (KubernetesClientException e) {
      LOG.warnf("history API: %s %s: %s", ctx.request().method(), ctx.request().path(), e.getMessage());
      answer = Answer.error(502, "the Kubernetes API server did not answer");
    }
    if (answer.status() == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    try {
      ctx.response().setStatusCode(answer.status())
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(JSON.writeValueAsString(answer.body()));
    } catch (JsonProcessingException e) {
      ctx.fail(e);
    }
  }

  private Answer list(RoutingContext ctx, String ns) {
    String service = ctx.queryParams().get("service");
    String function = ctx.queryParams().get("function");
    Predicate<ReleaseRecord> which = r -> (service == null || service.equals(r.service())) && (function == null || r.ofFunction(function));
    Duration since = window(ctx);
    return new Answer(200, ReleaseJson.releases(ns, since, report.matching(records(ns), which, since)));
  }

  private Answer one(RoutingContext ctx, String ns) {
    String name = ctx.pathParam("name");
    return records(ns).stream().filter(r -> r.name().equals(name)).findFirst()
        .map(r -> new Answer(200, ReleaseJson.release(r)))
        .orElseGet(() -> Answer.error(404, "lambdarelease \"" + name + "\" not found in namespace " + ns));
  }

  private Answer stats(RoutingContext ctx, String ns) {
    Duration since = window(ctx);
    return new Answer(200, ReleaseJson.stats(ns, since, report.stats(records(ns), since)));
  }

  private static Duration window(RoutingContext ctx) {
    String since = ctx.queryParams().get("since");
    return since == null ? DEFAULT_WINDOW : Since.parse(since);
  }

  private List<ReleaseRecord> records(String ns) {
    List<LambdaRelease> items = releases.cached(ns)
        .orElseGet(() -> client.resources(LambdaRelease.class).inNamespace(ns).list().getItems());
    return items.stream().map(ReleaseRecord::of).toList();
  }
}
