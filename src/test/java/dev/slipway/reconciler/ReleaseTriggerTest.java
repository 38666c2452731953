package dev.slipway.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.v1alpha1.FunctionDefaults;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The release hash of a function is taken from its effective spec, so inherited settings count. */
class ReleaseTriggerTest {

  private static final String SERVICE =
      """
      stage: prod
      region: us-east-1
      functionDefaults: {runtime: python3.12, memoryMB: 128}
      functions:
        - {name: api, handler: app.handler, code: {s3: {bucket: artifacts, key: app.zip}}}
        - {name: worker, handler: worker.handler, code: {s3: {bucket: artifacts, key: app.zip}}}
        - {name: pinned, handler: pinned.handler, memoryMB: 128, code: {s3: {bucket: artifacts, key: app.zip}}}
      """;

  @Test
  void aChangedDefaultChangesTheHashOfTheFunctionsThatInheritItAndNotOfOneThatOverridesIt() {
    ServerlessServiceSpec spec = Serialization.unmarshal(SERVICE, ServerlessServiceSpec.class);
    Map<String, String> before = hashes(spec);

    spec.functionDefaults.memoryMB = 256;
    Map<String, String> after = hashes(spec);

    assertThat(after.get("api")).isNotEqualTo(before.get("api"));
    assertThat(after.get("worker")).isNotEqualTo(before.get("worker"));
    assertThat(after.get("pinned")).isEqualTo(before.get("pinned"));
  }

  @Test
  void movingASettingIntoFunctionDefaultsWithTheSameValueKeepsTheHash() {
    ServerlessServiceSpec own = Serialization.unmarshal(SERVICE, ServerlessServiceSpec.class);
    own.functionDefaults = null;
    own.functions.forEach(f -> f.runtime = FunctionSpec.Runtime.PYTHON_3_12);

    assertThat(hashes(own)).isEqualTo(hashes(Serialization.unmarshal(SERVICE, ServerlessServiceSpec.class)));
  }

  private static Map<String, String> hashes(ServerlessServiceSpec spec) {
    return FunctionDefaults.resolve(spec).functions.stream().collect(Collectors.toMap(f -> f.name, ReleaseTrigger::specHash));
  }
}
