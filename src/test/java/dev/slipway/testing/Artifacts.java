package dev.slipway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
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
    String handler = "def handler(event, context):\n    return {\"statusCode\": 200, \"body\": \"" + body + "\"}\n";
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      ZipEntry entry = new ZipEntry("handler.py");
      entry.setTime(0); // a fixed timestamp keeps CodeSha256 stable across runs
      zip.putNextEntry(entry);
      zip.write(handler.getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
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
    try {
      s3.createBucket(b -> b.bucket(bucket));
    } catch (BucketAlreadyOwnedByYouException alreadyThere) {
      // shared by the tests of this JVM
    }
    s3.putObject(p -> p.bucket(bucket).key(key), RequestBody.fromBytes(zip(body)));
  }
}
