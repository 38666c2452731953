package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** What Slipway knows of one function of a service: its code, versions and alias. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FunctionStatus {

  @JsonPropertyDescription("Logical function name.")
  public String name;

  @JsonPropertyDescription("Function ARN (unqualified).")
  public String functionArn;

  @JsonPropertyDescription("ARN of the stage alias.")
  public String aliasArn;

  @JsonPropertyDescription("Version the alias routes (all or most of) its traffic to.")
  public String aliasVersion;

  @JsonPropertyDescription("Newest version Slipway published for the current code and configuration.")
  public String publishedVersion;

  @JsonPropertyDescription("The code source last applied to $LATEST, for example s3://bucket/key.")
  public String code;

  @JsonPropertyDescription("CodeSha256 Lambda reported for that code; a different value in AWS is drift.")
  public String codeSha256;

  @JsonPropertyDescription("The LambdaRelease that is shipping (or last shipped) a change of this function.")
  public String release;

  @JsonPropertyDescription("Hash of the function's code and version-bearing configuration when its last release was created; a new hash starts a new release.")
  public String specHash;

  @Override
  public boolean equals(Object o) {
    return o instanceof FunctionStatus f
        && Objects.equals(name, f.name)
        && Objects.equals(functionArn, f.functionArn)
        && Objects.equals(aliasArn, f.aliasArn)
        && Objects.equals(aliasVersion, f.aliasVersion)
        && Objects.equals(publishedVersion, f.publishedVersion)
        && Objects.equals(code, f.code)
        && Objects.equals(codeSha256, f.codeSha256)
        && Objects.equals(release, f.release)
        && Objects.equals(specHash, f.specHash);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, functionArn, aliasArn, aliasVersion, publishedVersion, code, codeSha256, release, specHash);
  }
}
