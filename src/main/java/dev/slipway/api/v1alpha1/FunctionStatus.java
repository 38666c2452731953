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

  @JsonPropertyDescription("Hash of the version-bearing configuration of $LATEST when Slipway last converged the function; with code and codeSha256 it tells whether publishedVersion still holds $LATEST.")
  public String configHash;

  @JsonPropertyDescription("The LambdaRelease that is shipping (or last shipped) a change of this function.")
  public String release;

  @JsonPropertyDescription("Identity (CodeSha256 and configuration hash) of the published version Slipway last decided a release for: while publishedVersion still has it, no release is due.")
  public String releasedHash;

  /** A copy to build the next status entry from, leaving the previous reconcile's record as it was. */
  public FunctionStatus copy() {
    FunctionStatus f = new FunctionStatus();
    f.name = name;
    f.functionArn = functionArn;
    f.aliasArn = aliasArn;
    f.aliasVersion = aliasVersion;
    f.publishedVersion = publishedVersion;
    f.code = code;
    f.codeSha256 = codeSha256;
    f.configHash = configHash;
    f.release = release;
    f.releasedHash = releasedHash;
    return f;
  }

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
        && Objects.equals(configHash, f.configHash)
        && Objects.equals(release, f.release)
        && Objects.equals(releasedHash, f.releasedHash);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, functionArn, aliasArn, aliasVersion, publishedVersion, code, codeSha256, configHash, release, releasedHash);
  }
}
