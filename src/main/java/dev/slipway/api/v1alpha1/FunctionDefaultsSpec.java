package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings every function of a service inherits unless it sets its own ({@link FunctionDefaults}
 * applies them). The bounds are those of the same fields of {@link FunctionSpec}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FunctionDefaultsSpec {

  @JsonPropertyDescription("Lambda runtime of every zip function that names none.")
  public FunctionSpec.Runtime runtime;

  @Min(128)
  @Max(10240)
  @JsonPropertyDescription("Memory in MB, 128 to 10240, of every function that sets no memoryMB.")
  public Integer memoryMB;

  @Min(1)
  @Max(900)
  @JsonPropertyDescription("Timeout in seconds, 1 to 900, of every function that sets no timeoutSeconds.")
  public Integer timeoutSeconds;

  @JsonPropertyDescription("Instruction set, x86_64 or arm64, of every function that sets no architecture.")
  public FunctionSpec.Architecture architecture;

  @Size(max = 64)
  @JsonPropertyDescription(
      "Environment variables of every function. A function's own environment and environmentFrom win over a variable of the same"
          + " name here. Never put secrets here.")
  public Map<String, String> environment = new LinkedHashMap<>();

  @JsonPropertyDescription("X-Ray tracing, Active or PassThrough, of every function that sets no tracing.")
  public FunctionSpec.Tracing tracing;

  @Min(512)
  @Max(10240)
  @JsonPropertyDescription("Size of /tmp in MB, 512 to 10240, of every function that sets no ephemeralStorageMB.")
  public Integer ephemeralStorageMB;

  @ValidationRule(value = FunctionSpec.LOG_RETENTION_RULE, message = FunctionSpec.LOG_RETENTION_MESSAGE)
  @JsonPropertyDescription("Days CloudWatch Logs keeps the log group of every function that sets no logRetentionDays.")
  public Integer logRetentionDays;
}
