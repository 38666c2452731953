package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** An SSM Parameter Store parameter of the service; a secret value comes from a Kubernetes Secret, never from the spec. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.value) != has(self.valueFrom)",
    message = "a parameter needs exactly one of value and valueFrom",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "self.type != 'SecureString' || !has(self.value)",
    message = "a SecureString takes its value from a Secret (valueFrom.secretKeyRef), never inline",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "!has(self.kmsKeyId) || self.type == 'SecureString'",
    message = "kmsKeyId applies only to SecureString parameters",
    reason = "FieldValueForbidden")
public class ParameterSpec {

  @Required
  @Size(max = 128)
  @Pattern("^[a-zA-Z0-9_.-]+(/[a-zA-Z0-9_.-]+)*$")
  @JsonPropertyDescription(
      "Logical parameter name, may contain /; the AWS parameter is /<namePrefix>/<name>. Functions refer to it by this name.")
  public String name;

  @JsonPropertyDescription("String (the default), StringList (comma-separated) or SecureString (encrypted with KMS).")
  public Type type = Type.String;

  @Size(max = 4096)
  @JsonPropertyDescription("The value, for String and StringList parameters.")
  public String value;

  @JsonPropertyDescription("Where the value comes from instead: a key of a Secret in this namespace. The parameter follows the Secret when it changes.")
  public ValueFrom valueFrom;

  @Size(max = 2048)
  @JsonPropertyDescription(
      "SecureString only: the KMS key (id, alias or ARN). Absent means the account's aws/ssm key. Reading functions are granted"
          + " kms:Decrypt on a key given by ARN.")
  public String kmsKeyId;

  @Size(max = 1024)
  @JsonPropertyDescription("Description shown in Parameter Store.")
  public String description;

  /** The AWS name: {@code /<prefix>/<name>}. */
  public String physicalName(String prefix) {
    return "/" + prefix + "/" + name;
  }

  /** Where a parameter's value comes from. */
  public static class ValueFrom {
    @Required
    @JsonPropertyDescription("A key of a Secret in this ServerlessService's namespace.")
    public SecretKeyRef secretKeyRef;
  }

  /** Parameter Store types. */
  public enum Type {
    String,
    StringList,
    SecureString
  }
}
