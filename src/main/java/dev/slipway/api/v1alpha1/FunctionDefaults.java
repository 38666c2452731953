package dev.slipway.api.v1alpha1;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place a service's unset fields that depend on other fields get their values: a function's
 * from spec.functionDefaults, else from the built-in defaults below; an API's stage from spec.stage.
 * Everything that reads the spec (validation, the AWS kinds, the release trigger) reads the spec
 * {@link #resolve} returns, so none of it defaults on its own.
 */
public final class FunctionDefaults {

  public static final int MEMORY_MB = 128;
  public static final int TIMEOUT_SECONDS = 3;
  public static final FunctionSpec.Architecture ARCHITECTURE = FunctionSpec.Architecture.x86_64;
  public static final FunctionSpec.Tracing TRACING = FunctionSpec.Tracing.PassThrough;
  public static final int EPHEMERAL_STORAGE_MB = 512;
  public static final int LOG_RETENTION_DAYS = 30;

  private FunctionDefaults() {}

  /**
   * The effective spec: a deep copy of {@code spec} (which may be the informer's cached object, so it
   * is never changed) whose APIs have their stage, whose every function has each defaultable field set, and whose environment is
   * spec.functionDefaults.environment overlaid with the function's own environment. An inherited
   * variable the function sets through environmentFrom is dropped: the function's own setting wins.
   * Resolving a resolved spec changes nothing. A missing spec stays missing, for the validator to name.
   */
  public static ServerlessServiceSpec resolve(ServerlessServiceSpec spec) {
    if (spec == null) {
      return null;
    }
    ServerlessServiceSpec effective = Serialization.jsonMapper().convertValue(spec, ServerlessServiceSpec.class);
    FunctionDefaultsSpec defaults = effective.functionDefaults == null ? new FunctionDefaultsSpec() : effective.functionDefaults;
    effective.functions.forEach(f -> inherit(f, defaults));
    if (effective.restApi != null && effective.restApi.stageName == null) {
      effective.restApi.stageName = effective.stage;
    }
    if (effective.webSocketApi != null && effective.webSocketApi.stageName == null) {
      effective.webSocketApi.stageName = effective.stage;
    }
    return effective;
  }

  private static void inherit(FunctionSpec f, FunctionDefaultsSpec d) {
    f.runtime = first(f.runtime, d.runtime, null);
    f.memoryMB = first(f.memoryMB, d.memoryMB, MEMORY_MB);
    f.timeoutSeconds = first(f.timeoutSeconds, d.timeoutSeconds, TIMEOUT_SECONDS);
    f.architecture = first(f.architecture, d.architecture, ARCHITECTURE);
    f.tracing = first(f.tracing, d.tracing, TRACING);
    f.ephemeralStorageMB = first(f.ephemeralStorageMB, d.ephemeralStorageMB, EPHEMERAL_STORAGE_MB);
    f.logRetentionDays = first(f.logRetentionDays, d.logRetentionDays, LOG_RETENTION_DAYS);
    Map<String, String> environment = new LinkedHashMap<>(d.environment);
    environment.keySet().removeAll(f.environmentFrom.keySet());
    environment.putAll(f.environment);
    f.environment = environment;
  }

  private static <T> T first(T own, T inherited, T builtIn) {
    return own != null ? own : inherited != null ? inherited : builtIn;
  }
}
