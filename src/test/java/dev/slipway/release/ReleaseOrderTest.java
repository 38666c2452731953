package dev.slipway.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.LambdaReleaseSpec;
import dev.slipway.api.v1alpha1.LambdaReleaseStatus;
import dev.slipway.api.v1alpha1.ReleasePhase;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.Naming;
import dev.slipway.release.ReleaseTarget.AliasKey;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** Which releases compete for one alias, and in what order: pure, no API server, no AWS. */
class ReleaseOrderTest {

  private static final String T0 = "2026-12-03T05:00:00Z";
  private static final String T1 = "2026-12-03T05:00:01Z";

  @Test
  void releasesOfOneSecondAreOrderedByNameWhicheverHasStarted() {
    LambdaRelease b = release("team", "b", T0, "u2");
    LambdaRelease a = release("team", "a", T0, "u1");
    b.setStatus(started());

    // The former order counted a release that had started as the older one, so it changed as releases started.
    assertThat(ReleaseOrder.OLDEST_FIRST.compare(a, b)).isNegative();
    a.setStatus(started());
    b.setStatus(null);
    assertThat(ReleaseOrder.OLDEST_FIRST.compare(a, b)).isNegative();
  }

  @Test
  void withinOneSecondAFinishedReleaseIsOlderThanOneThatHasNotFinished() {
    // v3 finished; back-to-v2 is created in the same second, and sorts before it by name.
    LambdaRelease v3 = release("team", "v3", T0, "u1");
    LambdaRelease back = release("team", "back-to-v2", T0, "u2");
    LambdaReleaseStatus done = started();
    done.phase = ReleasePhase.Succeeded;
    done.finishTime = "2026-12-03T05:00:00.700Z";
    v3.setStatus(done);

    assertThat(ReleaseOrder.OLDEST_FIRST.compare(v3, back)).as("v3 finished: the older").isNegative();
    back.setStatus(started());
    assertThat(ReleaseOrder.OLDEST_FIRST.compare(v3, back)).as("started or not").isNegative();
    LambdaReleaseStatus alsoDone = started();
    alsoDone.finishTime = "2026-12-03T05:00:00.900Z";
    back.setStatus(alsoDone);
    assertThat(ReleaseOrder.OLDEST_FIRST.compare(v3, back)).as("both finished: the name decides").isPositive();
    v3.setStatus(null);
    back.setStatus(null);
    assertThat(ReleaseOrder.OLDEST_FIRST.compare(v3, back)).as("neither: the name decides").isPositive();
  }

  @Test
  void theOrderIsTotalAndTheSameForEveryShuffle() {
    List<LambdaRelease> expected = List.of(
        release("a", "x", T0, "u1"), release("a", "y", T0, "u2"), release("b", "x", T0, "u3"),
        release("b", "x", T0, "u4"), release("a", "a", T1, "u5"));
    Random random = new Random(8);
    for (int i = 0; i < 50; i++) {
      List<LambdaRelease> shuffled = new ArrayList<>(expected);
      Collections.shuffle(shuffled, random);
      shuffled.forEach(r -> r.setStatus(random.nextBoolean() ? started() : null));
      shuffled.sort(ReleaseOrder.OLDEST_FIRST);
      assertThat(shuffled).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void aServiceReleaseAndAFunctionNameReleaseOfTheSameFunctionAndAliasHaveOneKey() {
    ServerlessService svc = service("team", "shop", "eu-west-1", "prod");
    String physical = Naming.physical("shop", svc.getSpec(), "api");
    BiFunction<String, String, ServerlessService> services = (ns, name) -> ns.equals("team") && name.equals("shop") ? svc : null;

    Optional<AliasKey> ofService = ReleaseTarget.aliasKey(serviceRelease("team", "by-service", "shop", "api"), services);
    Optional<AliasKey> byName = ReleaseTarget.aliasKey(functionRelease("other", "by-name", physical, "eu-west-1", "prod", null), services);
    Optional<AliasKey> byArn = ReleaseTarget.aliasKey(
        functionRelease("other", "by-arn", "arn:aws:lambda:eu-west-1:123456789012:function:" + physical, "eu-west-1", "prod", null), services);
    Optional<AliasKey> byArnAsRole = ReleaseTarget.aliasKey(
        functionRelease("other", "by-arn-role", physical, "eu-west-1", "prod", "arn:aws:iam::123456789012:role/deployer"), services);

    assertThat(ofService).isPresent().isEqualTo(byName);
    assertThat(byArn).isPresent().isEqualTo(byArnAsRole);
    // Another alias, region or account is another alias.
    assertThat(ReleaseTarget.aliasKey(functionRelease("other", "x", physical, "eu-west-1", "live", null), services)).isNotEqualTo(ofService);
    assertThat(ReleaseTarget.aliasKey(functionRelease("other", "x", physical, "us-east-1", "prod", null), services)).isNotEqualTo(ofService);
    assertThat(byArn).isNotEqualTo(ofService);
    // No service to resolve: no key; such a release competes only with those that name it the same way.
    assertThat(ReleaseTarget.aliasKey(serviceRelease("team", "gone", "missing", "api"), services)).isEmpty();
  }

  private static LambdaReleaseStatus started() {
    LambdaReleaseStatus s = new LambdaReleaseStatus();
    s.phase = ReleasePhase.Progressing;
    return s;
  }

  private static LambdaRelease release(String ns, String name, String created, String uid) {
    LambdaRelease r = functionRelease(ns, name, "fn", "us-east-1", "live", null);
    r.getMetadata().setCreationTimestamp(created);
    r.getMetadata().setUid(uid);
    return r;
  }

  private static LambdaRelease functionRelease(String ns, String name, String function, String region, String alias, String roleArn) {
    LambdaRelease r = new LambdaRelease();
    r.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    LambdaReleaseSpec spec = new LambdaReleaseSpec();
    spec.functionName = function;
    spec.region = region;
    spec.alias = alias;
    spec.roleArn = roleArn;
    r.setSpec(spec);
    return r;
  }

  private static LambdaRelease serviceRelease(String ns, String name, String service, String function) {
    LambdaRelease r = new LambdaRelease();
    r.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    LambdaReleaseSpec spec = new LambdaReleaseSpec();
    spec.service = service;
    spec.function = function;
    r.setSpec(spec);
    return r;
  }

  private static ServerlessService service(String ns, String name, String region, String stage) {
    ServerlessService s = new ServerlessService();
    s.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    ServerlessServiceSpec spec = new ServerlessServiceSpec();
    spec.region = region;
    spec.stage = stage;
    FunctionSpec f = ReleaseFixture.functionSpec("api", "shop/api.zip", null);
    spec.functions.add(f);
    s.setSpec(spec);
    return s;
  }
}
