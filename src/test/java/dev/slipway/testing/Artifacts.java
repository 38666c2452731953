package dev.slipway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/** Real Lambda deployment packages for tests: a zip with a small Python handler, put in (moto's) S3. */
public final class Artifacts {

  private Artifacts() {}

  /** A deployment package: handler.py answering 200 with {@code body}. The same body gives the same bytes. */
  public static byte[] zip(String body) {
    return zip(Map.of("handler.py", "def handler(event, context):\n    return {\"statusCode\": 200, \"body\": \"" + body + "\"}\n"));
  }

  /** A zip of {@code files} (name to text), in name order; the same files give the same bytes. */
  public static byte[] zip(Map<String, String> files) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, String> file : new TreeMap<>(files).entrySet()) {
        ZipEntry entry = new ZipEntry(file.getKey());
        entry.setTime(0); // a fixed timestamp keeps CodeSha256 stable across runs
        zip.putNextEntry(entry);
        zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A built single-page site, as a frontend build's dist/ folder zipped: its page names {@code version}. */
  public static byte[] site(String version) {
    return zip(Map.of(
        "index.html", "<!doctype html><title>" + version + "</title><script type=module src=/assets/app-" + version + ".js></script>",
        "assets/app-" + version + ".js", "fetch('/config.json').then(r => r.json()).then(c => console.log('" + version + "', c.restApiUrl))",
        "favicon.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>"));
  }

  /** CodeSha256 as Lambda computes it: base64 of the package's SHA-256. */
  public static String codeSha256(byte[] zip) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(zip));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Puts {@code zip(body)} at bucket/key, creating the bucket when needed. */
  public static void upload(S3Client s3, String bucket, String key, String body) {
    upload(s3, bucket, key, zip(body));
  }

  /** Puts {@code zip} at bucket/key, creating the bucket when needed. */
  public static void upload(S3Client s3, String bucket, String key, byte[] zip) {
    try {
      s3.createBucket(b -> b.bucket(bucket));
    } catch (BucketAlreadyOwnedByYouException alreadyThere) {
      // shared by the tests of this JVM
    }
    s3.putObject(p -> p.bucket(bucket).key(key), RequestBody.fromBytes(zip));
  }
}
