package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.aws.Delta;
import dev.slipway.aws.Hashes;
import dev.slipway.aws.kinds.LambdaFunctionKind.Desired;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.DeadLetterConfig;
import software.amazon.awssdk.services.lambda.model.EphemeralStorage;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.Layer;
import software.amazon.awssdk.services.lambda.model.PackageType;
import software.amazon.awssdk.services.lambda.model.TracingConfig;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationRequest;
import software.amazon.awssdk.services.lambda.model.VpcConfig;

/**
 * The settings UpdateFunctionConfiguration changes and a published version freezes, defined once:
 * how the spec wants each, how Lambda shows it, and how a create and an update set it. The Lambda
 * kind's comparison, its create and update requests, and the configuration hash that identifies a
 * version all come from this list, so a new setting is one entry here.
 */
final class FunctionSettings {

  /** One setting; {@code desired} and {@code observed} give comparable values, null where the setting does not apply. */
  record Setting(
      String path,
      Function<Desired, Object> desired,
      Function<FunctionConfiguration, Object> observed,
      BiConsumer<CreateFunctionRequest.Builder, Desired> create,
      BiConsumer<UpdateFunctionConfigurationRequest.Builder, Desired> update) {}

  static final List<Setting> ALL = List.of(
      new Setting("runtime", d -> zip(d) ? d.spec().runtime.id() : null, FunctionConfiguration::runtimeAsString,
          (b, d) -> b.runtime(zip(d) ? d.spec().runtime.id() : null), (b, d) -> b.runtime(d.spec().runtime.id())),
      new Setting("handler", d -> zip(d) ? d.spec().handler : null, FunctionConfiguration::handler,
          (b, d) -> b.handler(zip(d) ? d.spec().handler : null), (b, d) -> b.handler(d.spec().handler)),
      new Setting("memorySize", d -> d.spec().memoryMB, FunctionConfiguration::memorySize,
          (b, d) -> b.memorySize(d.spec().memoryMB), (b, d) -> b.memorySize(d.spec().memoryMB)),
      new Setting("timeout", d -> d.spec().timeoutSeconds, FunctionConfiguration::timeout,
          (b, d) -> b.timeout(d.spec().timeoutSeconds), (b, d) -> b.timeout(d.spec().timeoutSeconds)),
      new Setting("environment", d -> new TreeMap<>(d.environment()),
          c -> c.environment() == null ? Map.of() : new TreeMap<>(c.environment().variables()),
          (b, d) -> b.environment(e -> e.variables(d.environment())), (b, d) -> b.environment(e -> e.variables(d.environment()))),
      new Setting("vpc", d -> vpcIds(d.vpc() == null ? null : d.vpc().subnetIds(), d.vpc() == null ? null : d.vpc().securityGroupIds()),
          c -> vpcIds(c.vpcConfig() == null ? null : c.vpcConfig().subnetIds(), c.vpcConfig() == null ? null : c.vpcConfig().securityGroupIds()),
          (b, d) -> b.vpcConfig(vpc(d)), (b, d) -> b.vpcConfig(vpc(d))),
      new Setting("role", Desired::roleArn, FunctionConfiguration::role, (b, d) -> b.role(d.roleArn()), (b, d) -> b.role(d.roleArn())),
      new Setting("description", d -> Objects.toString(d.spec().description, ""), c -> Objects.toString(c.description(), ""),
          (b, d) -> b.description(d.spec().description), (b, d) -> b.description(Objects.toString(d.spec().description, ""))),
      new Setting("layers", d -> List.copyOf(d.spec().layers), c -> c.layers() == null ? List.of() : c.layers().stream().map(Layer::arn).toList(),
          (b, d) -> b.layers(d.spec().layers), (b, d) -> b.layers(d.spec().layers)),
      new Setting("ephemeralStorage", d -> d.spec().ephemeralStorageMB, c -> c.ephemeralStorage() == null ? 512 : c.ephemeralStorage().size(),
          (b, d) -> b.ephemeralStorage(storage(d)), (b, d) -> b.ephemeralStorage(storage(d))),
      new Setting("tracing", d -> d.spec().tracing.name(), c -> c.tracingConfig() == null ? "PassThrough" : c.tracingConfig().modeAsString(),
          (b, d) -> b.tracingConfig(tracing(d)), (b, d) -> b.tracingConfig(tracing(d))),
      new Setting("deadLetter", d -> Objects.toString(d.deadLetterArn(), ""),
          c -> c.deadLetterConfig() == null ? "" : Objects.toString(c.deadLetterConfig().targetArn(), ""),
          (b, d) -> {
            if (d.deadLetterArn() != null) {
              b.deadLetterConfig(deadLetter(d));
            }
          },
          (b, d) -> b.deadLetterConfig(deadLetter(d))));

  private FunctionSettings() {}

  /** Where {@code c} differs from what {@code d} wants, setting by setting. */
  static void compare(Delta.Builder delta, Desired d, FunctionConfiguration c) {
    ALL.forEach(s -> delta.compare(s.path(), s.desired().apply(d), s.observed().apply(c)));
  }

  static void create(CreateFunctionRequest.Builder b, Desired d) {
    ALL.forEach(s -> s.create().accept(b, d));
  }

  /** The update of the settings {@code delta} names. */
  static UpdateFunctionConfigurationRequest update(Desired d, Delta delta) {
    UpdateFunctionConfigurationRequest.Builder b = UpdateFunctionConfigurationRequest.builder().functionName(d.physicalName());
    ALL.stream().filter(s -> delta.differsAt(s.path())).forEach(s -> s.update().accept(b, d));
    return b.build();
  }

  static boolean anyDiffers(Delta delta) {
    return ALL.stream().anyMatch(s -> delta.differsAt(s.path()));
  }

  /**
   * What identifies a version's configuration (with its code): every setting as Lambda shows it, and
   * the architecture, which UpdateFunctionCode sets.
   */
  static String hash(FunctionConfiguration c) {
    Map<String, Object> fields = new TreeMap<>();
    ALL.forEach(s -> fields.put(s.path(), s.observed().apply(c)));
    fields.put("architectures", c.architecturesAsStrings());
    return Hashes.sha256(fields.toString()).substring(0, 16);
  }

  private static boolean zip(Desired d) {
    return d.packageType() == PackageType.ZIP;
  }

  private static List<String> vpcIds(List<String> subnets, List<String> groups) {
    List<String> ids = new ArrayList<>();
    if (subnets != null) {
      subnets.stream().sorted().forEach(ids::add);
    }
    if (groups != null) {
      groups.stream().sorted().forEach(ids::add);
    }
    return ids;
  }

  /** Empty subnet and security-group lists detach a function from its VPC. */
  private static VpcConfig vpc(Desired d) {
    return d.vpc() == null
        ? VpcConfig.builder().subnetIds(List.of()).securityGroupIds(List.of()).build()
        : VpcConfig.builder().subnetIds(d.vpc().subnetIds()).securityGroupIds(d.vpc().securityGroupIds()).build();
  }

  private static EphemeralStorage storage(Desired d) {
    return EphemeralStorage.builder().size(d.spec().ephemeralStorageMB).build();
  }

  private static TracingConfig tracing(Desired d) {
    return TracingConfig.builder().mode(d.spec().tracing.name()).build();
  }

  /** An empty target removes the dead-letter configuration. */
  private static DeadLetterConfig deadLetter(Desired d) {
    return DeadLetterConfig.builder().targetArn(Objects.toString(d.deadLetterArn(), "")).build();
  }
}
