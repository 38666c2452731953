package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * A static web frontend: a private S3 bucket that only the service's CloudFront distribution may
 * read (origin access control), the site's files unpacked from a zip artifact, and a runtime
 * configuration file that tells the built frontend where its backend is.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FrontendSpec {

  @Pattern("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
  @ValidationRule(value = "self == oldSelf", message = "bucketName cannot change: a new bucket is a new site", reason = "FieldValueForbidden")
  @JsonPropertyDescription("Name of the site bucket; defaults to <namePrefix>-site-<account id> (bucket names are global across"
      + " AWS accounts). Public access to it is blocked, whatever its name.")
  public String bucketName;

  @JsonPropertyDescription("The zip artifact holding the built site (the dist/ folder of a frontend build, its index.html at the root):"
      + " unpacked into the site bucket, with objects no longer in it deleted.")
  public Source source;

  @Size(max = 64)
  @JsonPropertyDescription("Any value; changing it invalidates the distribution's cache (/*) once, even when no file changed. A changed"
      + " source or configuration invalidates it by itself.")
  public String revision;

  @Size(max = 1024)
  @Pattern("^[^/].*$")
  @JsonPropertyDescription("Object served for the root URL; default index.html.")
  public String defaultRootObject;

  @JsonPropertyDescription("Single-page application: answer 403 and 404 with /<defaultRootObject> and status 200, so client-side routes"
      + " load the app. Default true.")
  public Boolean spaFallback;

  @JsonPropertyDescription("CloudFront price class: PriceClass_100 (North America and Europe, the default), PriceClass_200 or PriceClass_All.")
  public PriceClass priceClass;

  @JsonPropertyDescription("Cache-Control headers of the site's objects.")
  public CacheControl cacheControl;

  @JsonPropertyDescription("The runtime configuration file written beside the site; on by default (config.json).")
  public RuntimeConfig config;

  public enum PriceClass {
    PriceClass_100,
    PriceClass_200,
    PriceClass_All
  }

  /** A zip artifact in S3. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Source {
    @Required
    @Size(min = 3, max = 63)
    @JsonPropertyDescription("Bucket holding the artifact.")
    public String bucket;

    @Required
    @Size(min = 1, max = 1024)
    @JsonPropertyDescription("Key of the zip, for example frontend/1.4.2.zip.")
    public String key;

    @Size(max = 1024)
    @JsonPropertyDescription("Object version, for a versioned bucket; the newest version when unset.")
    public String version;
  }

  /** The Cache-Control header per kind of object. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class CacheControl {
    @Size(max = 256)
    @JsonPropertyDescription("For HTML files and the runtime configuration, which name no content hash; default no-cache (browsers"
        + " revalidate, so a new release shows at once).")
    public String html;

    @Size(max = 256)
    @JsonPropertyDescription("For every other file (scripts, styles, images, fonts: bundlers put a content hash in their names); default"
        + " public, max-age=31536000, immutable.")
    public String assets;
  }

  /**
   * A JSON file with the backend's addresses (REST and WebSocket URLs, user pool and client ids, region), so one
   * build of the frontend runs against any stage.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "!has(self.extra) || self.extra.all(e, self.extra.exists_one(f, f.name == e.name))",
      message = "extra entry names must be unique",
      reason = "FieldValueInvalid")
  public static class RuntimeConfig {
    @JsonPropertyDescription("Write the file; default true.")
    public Boolean enabled;

    @Size(max = 256)
    @Pattern("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")
    @JsonPropertyDescription("Object key of the file; default config.json.")
    public String fileName;

    @Size(max = 16)
    @JsonPropertyDescription("Extra entries, for example a feature flag. Values are written as strings; they are public, like the whole"
        + " site: never put a secret here.")
    public List<Entry> extra = new ArrayList<>();
  }

  /** One extra entry of the runtime configuration. */
  public static class Entry {
    @Required
    @Size(max = 64)
    @Pattern("^[A-Za-z][A-Za-z0-9_]*$")
    @JsonPropertyDescription("Key in the JSON file.")
    public String name;

    @Required
    @Size(max = 1024)
    @JsonPropertyDescription("Value.")
    public String value;
  }
}
