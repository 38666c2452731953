package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** Where a function's code comes from: a zip in S3 or a container image. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.s3) != has(self.imageUri)",
    message = "code needs exactly one of s3 or imageUri",
    reason = "FieldValueInvalid")
public class CodeSource {

  @JsonPropertyDescription("A zip archive in S3.")
  public S3Location s3;

  @Size(max = 512)
  @JsonPropertyDescription("A container image in ECR, for image functions.")
  public String imageUri;

  @Pattern("^[A-Za-z0-9+/]{43}=$")
  @JsonPropertyDescription("Expected base64 SHA-256 of the code as Lambda reports it (CodeSha256). When set, Slipway refuses code that does not match.")
  public String sha256;

  /** A zip archive in S3. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class S3Location {
    @Required
    @Size(min = 3, max = 63)
    @JsonPropertyDescription("Bucket name.")
    public String bucket;

    @Required
    @Size(min = 1, max = 1024)
    @JsonPropertyDescription("Object key.")
    public String key;

    @Size(max = 1024)
    @JsonPropertyDescription("Object version, for versioned buckets.")
    public String objectVersion;

    public S3Location() {}

    public S3Location(String bucket, String key) {
      this.bucket = bucket;
      this.key = key;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof S3Location other
          && Objects.equals(bucket, other.bucket)
          && Objects.equals(key, other.key)
          && Objects.equals(objectVersion, other.objectVersion);
    }

    @Override
    public int hashCode() {
      return Objects.hash(bucket, key, objectVersion);
    }
  }

  public CodeSource() {}

  public static CodeSource s3(String bucket, String key) {
    CodeSource c = new CodeSource();
    c.s3 = new S3Location(bucket, key);
    return c;
  }

  /** A stable one-line identity of this code, e.g. {@code s3://bucket/key#version}, recorded on versions and in status. */
  public String describe() {
    if (imageUri != null) {
      return imageUri;
    }
    return "s3://" + s3.bucket + "/" + s3.key + (s3.objectVersion == null ? "" : "#" + s3.objectVersion);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CodeSource other
        && Objects.equals(s3, other.s3)
        && Objects.equals(imageUri, other.imageUri)
        && Objects.equals(sha256, other.sha256);
  }

  @Override
  public int hashCode() {
    return Objects.hash(s3, imageUri, sha256);
  }
}
