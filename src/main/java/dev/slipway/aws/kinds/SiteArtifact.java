package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.FrontendSpec;
import dev.slipway.aws.SlipwayException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A site's zip artifact in S3, read as the files it holds: their names and MD5 digests (which S3
 * reports as the ETag of an object uploaded in one part), and their bytes when they are uploaded.
 * Digests are kept per artifact version, so a resync reads only the artifact's HEAD.
 */
final class SiteArtifact {

  /** What a zip may hold, so a wrong or hostile artifact cannot exhaust the operator. */
  static final int MAX_FILES = 20_000;
  static final long MAX_FILE_BYTES = 64L << 20;
  static final long MAX_TOTAL_BYTES = 1L << 30;
  private static final int CACHED_ARTIFACTS = 32;

  private static final Map<String, SortedMap<String, String>> DIGESTS =
      Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SortedMap<String, String>> eldest) {
          return size() > CACHED_ARTIFACTS;
        }
      });

  private SiteArtifact() {}

  /** The artifact's identity as S3 reports it: a new upload or version changes it. */
  record Version(String versionId, String etag) {}

  static Version head(S3Client s3, FrontendSpec.Source source) {
    var head = s3.headObject(r -> r.bucket(source.bucket).key(source.key).versionId(source.version));
    return new Version(head.versionId(), head.eTag());
  }

  /** File name to MD5 (hex) of every file in the artifact at {@code version}. */
  static SortedMap<String, String> digests(S3Client s3, FrontendSpec.Source source, Version version) {
    String cacheKey = source.bucket + "/" + source.key + "@" + version.versionId() + "#" + version.etag();
    SortedMap<String, String> known = DIGESTS.get(cacheKey);
    if (known != null) {
      return known;
    }
    SortedMap<String, String> digests = new TreeMap<>();
    read(s3, source, version, (name, bytes) -> digests.put(name, md5(bytes)));
    SortedMap<String, String> frozen = Collections.unmodifiableSortedMap(digests);
    DIGESTS.put(cacheKey, frozen);
    return frozen;
  }

  /** Streams the artifact at {@code version}, handing each file's name and bytes to {@code file}. */
  static void read(S3Client s3, FrontendSpec.Source source, Version version, BiConsumer<String, byte[]> file) {
    try (InputStream in = s3.getObject(r -> r.bucket(source.bucket).key(source.key).versionId(version.versionId()), ResponseTransformer.toInputStream());
        ZipInputStream zip = new ZipInputStream(in)) {
      int files = 0;
      long total = 0;
      for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        String name = fileName(entry.getName());
        if (entry.isDirectory() || name == null) {
          continue;
        }
        if (++files > MAX_FILES) {
          throw invalid(source, "holds more than " + MAX_FILES + " files");
        }
        byte[] bytes = zip.readNBytes((int) MAX_FILE_BYTES + 1);
        if (bytes.length > MAX_FILE_BYTES) {
          throw invalid(source, name + " is larger than " + (MAX_FILE_BYTES >> 20) + " MiB");
        }
        total += bytes.length;
        if (total > MAX_TOTAL_BYTES) {
          throw invalid(source, "unpacks to more than " + (MAX_TOTAL_BYTES >> 30) + " GiB");
        }
        file.accept(name, bytes);
      }
      if (files == 0) {
        throw invalid(source, "holds no files (is it a zip?)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading s3://" + source.bucket + "/" + source.key, e);
    }
  }

  /**
   * The object key for a zip entry: relative, with no parent references; null for entries that are
   * not part of a site (macOS resource forks).
   */
  static String fileName(String entry) {
    String name = entry.startsWith("./") ? entry.substring(2) : entry;
    if (name.startsWith("__MACOSX/") || name.isEmpty()) {
      return null;
    }
    if (name.startsWith("/") || name.contains("\\") || ("/" + name + "/").contains("/../")) {
      throw SlipwayException.terminal("InvalidArtifact", "the site artifact has a file named " + entry + ", which leaves the site's root");
    }
    return name;
  }

  private static SlipwayException invalid(FrontendSpec.Source source, String problem) {
    return SlipwayException.terminal("InvalidArtifact", "s3://" + source.bucket + "/" + source.key + " " + problem);
  }

  static String md5(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"), Map.entry("htm", "text/html; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("json", "application/json"), Map.entry("map", "application/json"),
      Map.entry("webmanifest", "application/manifest+json"), Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("xml", "application/xml"),
      Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
      Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"), Map.entry("avif", "image/avif"), Map.entry("ico", "image/x-icon"),
      Map.entry("woff", "font/woff"), Map.entry("woff2", "font/woff2"), Map.entry("ttf", "font/ttf"), Map.entry("otf", "font/otf"),
      Map.entry("wasm", "application/wasm"), Map.entry("pdf", "application/pdf"), Map.entry("mp4", "video/mp4"), Map.entry("webm", "video/webm"));

  /** The Content-Type a browser needs for the file, by its extension. */
  static String contentType(String name) {
    int dot = name.lastIndexOf('.');
    String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.getOrDefault(extension, "application/octet-stream");
  }

  static boolean isHtml(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".html") || lower.endsWith(".htm");
  }
}
