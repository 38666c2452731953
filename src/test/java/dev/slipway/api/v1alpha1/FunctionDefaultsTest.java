package dev.slipway.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How spec.functionDefaults and the built-in defaults make up each function's effective spec. */
class FunctionDefaultsTest {

  private static final String SERVICE =
      """
      stage: prod
      region: us-east-1
      functionDefaults:
        runtime: python3.12
        memoryMB: 512
        timeoutSeconds: 30
        architecture: arm64
        tracing: Active
        ephemeralStorageMB: 1024
        logRetentionDays: 14
        environment: {LOG_LEVEL: info, STAGE: prod, TABLE: from-defaults}
      functions:
        - name: inherits
          handler: app.handler
          code: {s3: {bucket: artifacts, key: app.zip}}
        - name: overrides
          runtime: nodejs20.x
          handler: index.handler
          memoryMB: 1024
          timeoutSeconds: 900
          architecture: x86_64
          tracing: PassThrough
          ephemeralStorageMB: 512
          logRetentionDays: 30
          environment: {LOG_LEVEL: debug, OWN: yes}
          environmentFrom: {TABLE: {table: items}}
          code: {s3: {bucket: artifacts, key: app.zip}}
      """;

  @Test
  void aFunctionInheritsEveryFieldItLeavesUnset() {
    FunctionSpec f = function(FunctionDefaults.resolve(spec(SERVICE)), "inherits");

    assertThat(f.runtime).isEqualTo(FunctionSpec.Runtime.PYTHON_3_12);
    assertThat(f.memoryMB).isEqualTo(512);
    assertThat(f.timeoutSeconds).isEqualTo(30);
    assertThat(f.architecture).isEqualTo(FunctionSpec.Architecture.arm64);
    assertThat(f.tracing).isEqualTo(FunctionSpec.Tracing.Active);
    assertThat(f.ephemeralStorageMB).isEqualTo(1024);
    assertThat(f.logRetentionDays).isEqualTo(14);
    assertThat(f.environment).isEqualTo(Map.of("LOG_LEVEL", "info", "STAGE", "prod", "TABLE", "from-defaults"));
    assertThat(f.handler).isEqualTo("app.handler");
  }

  @Test
  void aFunctionsOwnFieldsWinFieldByField() {
    FunctionSpec f = function(FunctionDefaults.resolve(spec(SERVICE)), "overrides");

    assertThat(f.runtime).isEqualTo(FunctionSpec.Runtime.NODEJS_20);
    assertThat(f.memoryMB).isEqualTo(1024);
    assertThat(f.timeoutSeconds).isEqualTo(900);
    assertThat(f.architecture).isEqualTo(FunctionSpec.Architecture.x86_64);
    assertThat(f.tracing).isEqualTo(FunctionSpec.Tracing.PassThrough);
    assertThat(f.ephemeralStorageMB).isEqualTo(512);
    assertThat(f.logRetentionDays).isEqualTo(30);
  }

  @Test
  void environmentsMergeAndTheFunctionsOwnVariablesWin() {
    FunctionSpec f = function(FunctionDefaults.resolve(spec(SERVICE)), "overrides");

    // LOG_LEVEL is the function's; TABLE comes from its environmentFrom, so the inherited literal goes.
    assertThat(f.environment).isEqualTo(Map.of("LOG_LEVEL", "debug", "STAGE", "prod", "OWN", "yes"));
    assertThat(f.environmentFrom).containsOnlyKeys("TABLE");
  }

  @Test
  void withoutFunctionDefaultsTheBuiltInDefaultsApply() {
    ServerlessServiceSpec spec = spec(SERVICE);
    spec.functionDefaults = null;

    FunctionSpec f = function(FunctionDefaults.resolve(spec), "inherits");

    assertThat(f.runtime).isNull();
    assertThat(f.memoryMB).isEqualTo(128);
    assertThat(f.timeoutSeconds).isEqualTo(3);
    assertThat(f.architecture).isEqualTo(FunctionSpec.Architecture.x86_64);
    assertThat(f.tracing).isEqualTo(FunctionSpec.Tracing.PassThrough);
    assertThat(f.ephemeralStorageMB).isEqualTo(512);
    assertThat(f.logRetentionDays).isEqualTo(30);
    assertThat(f.environment).isEmpty();
  }

  @Test
  void aFieldTheDefaultsLeaveUnsetGetsTheBuiltInDefault() {
    ServerlessServiceSpec spec = spec(SERVICE);
    spec.functionDefaults.memoryMB = null;

    assertThat(function(FunctionDefaults.resolve(spec), "inherits").memoryMB).isEqualTo(128);
  }

  @Test
  void theInputIsNotChangedAndResolvingAgainChangesNothing() {
    ServerlessServiceSpec spec = spec(SERVICE);
    String before = Serialization.asYaml(spec);

    ServerlessServiceSpec effective = FunctionDefaults.resolve(spec);

    assertThat(Serialization.asYaml(spec)).isEqualTo(before);
    assertThat(function(spec, "inherits").memoryMB).isNull();
    assertThat(effective.functions).doesNotContainAnyElementsOf(spec.functions);
    assertThat(Serialization.asYaml(FunctionDefaults.resolve(effective))).isEqualTo(Serialization.asYaml(effective));
  }

  // Issue 10: seed 001's stage `production` got the URL /prod, because API stages defaulted to prod whatever the stage.
  @Test
  void anApiStageIsNamedAfterTheServicesStageUnlessSet() {
    ServerlessServiceSpec spec = spec(SERVICE + """
        restApi: {routes: [{path: /items, methods: [GET], function: inherits}]}
        webSocketApi: {stageName: live, routes: {$default: inherits}}
        """);
    spec.stage = "production";

    ServerlessServiceSpec effective = FunctionDefaults.resolve(spec);

    assertThat(effective.restApi.stageName).isEqualTo("production");
    assertThat(effective.webSocketApi.stageName).isEqualTo("live");
  }

  private static ServerlessServiceSpec spec(String yaml) {
    return Serialization.unmarshal(yaml, ServerlessServiceSpec.class);
  }

  private static FunctionSpec function(ServerlessServiceSpec spec, String name) {
    return spec.functions.stream().filter(f -> f.name.equals(name)).findFirst().orElseThrow();
  }
}
