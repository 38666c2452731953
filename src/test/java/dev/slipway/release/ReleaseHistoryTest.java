package dev.slipway.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.CodeSource;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseSpec;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.testing.KubeApiServer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Finished releases a service created are its deployment history, pruned like Deployment revisions. */
class ReleaseHistoryTest {

  private static final String LABEL = "slipway.dev/test-operator";

  private final KubeApiServer kube = KubeApiServer.shared();
  private final KubernetesClient client = kube.client();

  @Test
  void keepsTheNewestServiceCreatedReleasesAndEveryUserCreatedOne() {
    String ns = kube.newNamespace("history");
    // A real owner: the sandbox runs the garbage collector, which deletes releases whose owner does not exist.
    String ownerUid = owner(ns).getMetadata().getUid();
    for (int i = 1; i <= 4; i++) {
      finished(ns, "api-v" + i, "2026-11-2" + i + "T10:00:00Z", ownerUid);
    }
    LambdaRelease byUser = finished(ns, "api-by-hand", "2026-11-20T10:00:00Z", null);
    finished(ns, "other-function", "2026-11-19T10:00:00Z", ownerUid);

    new ReleaseHistory(client, 2, Duration.ofDays(90), Clock.systemUTC()).prune(client.resources(LambdaRelease.class).inNamespace(ns).withName("api-v4").get());

    assertThat(client.resources(LambdaRelease.class).inNamespace(ns).list().getItems())
        .extracting(r -> r.getMetadata().getName())
        .containsExactlyInAnyOrder("api-v4", "api-v3", byUser.getMetadata().getName(), "other-function");
  }

  @Test
  void aReleaseFinishedLongerAgoThanTheRetentionIsDeletedWhoeverCreatedItAndAYoungerOneIsKeptUntilThen() {
    String ns = kube.newNamespace("retention");
    String ownerUid = owner(ns).getMetadata().getUid();
    Instant now = Instant.parse("2026-12-07T12:00:00Z");
    ReleaseHistory history = new ReleaseHistory(client, 10, Duration.ofDays(90), Clock.fixed(now, ZoneOffset.UTC));
    LambdaRelease oldByUser = finished(ns, "api-by-hand", now.minus(Duration.ofDays(91)).toString(), null);
    LambdaRelease oldByService = finished(ns, "api-v1", now.minus(Duration.ofDays(90)).toString(), ownerUid);
    LambdaRelease young = finished(ns, "api-v2", now.minus(Duration.ofDays(89)).toString(), ownerUid);

    assertThat(history.expire(oldByUser)).isEmpty();
    assertThat(history.expire(oldByService)).isEmpty();
    assertThat(history.expire(young)).contains(Duration.ofDays(1));
    assertThat(client.resources(LambdaRelease.class).inNamespace(ns).list().getItems())
        .extracting(r -> r.getMetadata().getName())
        .containsExactly("api-v2");

    // Without a retention nothing is deleted by age, and nothing is due.
    assertThat(new ReleaseHistory(client, 10, Duration.ZERO, Clock.fixed(now.plus(Duration.ofDays(400)), ZoneOffset.UTC)).expire(young))
        .isEmpty();
    assertThat(client.resources(LambdaRelease.class).inNamespace(ns).withName("api-v2").get()).isNotNull();
  }

  /** The service {@code shop}, labelled so that no operator reconciles it. */
  private ServerlessService owner(String ns) {
    ServerlessService shop = new ServerlessService();
    shop.setMetadata(new ObjectMetaBuilder().withName("shop").withNamespace(ns).addToLabels(LABEL, "history").build());
    shop.setSpec(new ServerlessServiceSpec());
    shop.getSpec().region = "us-east-1";
    shop.getSpec().stage = "prod";
    shop.getSpec().functions = List.of(ReleaseFixture.functionSpec("api", "api/1.zip", null));
    return client.resource(shop).create();
  }

  /** A release of function {@code api} (or, by name, another one) that finished at {@code finishTime}. */
  private LambdaRelease finished(String ns, String name, String finishTime, String ownerUid) {
    // The label keeps the operator of the @QuarkusTest classes (if running in this JVM) away from them.
    var meta = new ObjectMetaBuilder().withName(name).withNamespace(ns).addToLabels(LABEL, "history");
    if (ownerUid != null) {
      meta.withOwnerReferences(new OwnerReferenceBuilder()
          .withApiVersion("slipway.dev/v1alpha1").withKind("ServerlessService").withName("shop").withUid(ownerUid).build());
    }
    LambdaRelease r = new LambdaRelease();
    r.setMetadata(meta.build());
    r.setSpec(new LambdaReleaseSpec());
    r.getSpec().service = "shop";
    r.getSpec().function = name.startsWith("other") ? "other" : "api";
    r.getSpec().code = CodeSource.s3("artifacts", name + ".zip");
    LambdaRelease created = client.resource(r).create();
    LambdaReleaseStatus status = new LambdaReleaseStatus();
    status.phase = ReleasePhase.Succeeded;
    status.finishTime = finishTime;
    created.setStatus(status);
    return client.resource(created).updateStatus();
  }
}
