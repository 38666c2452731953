package dev.slipway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.history.ReleaseJson;
import dev.slipway.history.ReleaseRecord;
import dev.slipway.history.Since;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;

/**
 * The releases of a namespace as the operator's history API serves them, for a user who may not read
 * the objects: the API checks the bearer token's right to list them, as the API server would.
 */
final class HistoryServer {

  private static final ObjectMapper JSON = new ObjectMapper();

  private HistoryServer() {}

  static List<ReleaseRecord> releases(URI server, String namespace, Duration since, String token) {
    URI uri = server.resolve("/api/v1/namespaces/" + URLEncoder.encode(namespace, StandardCharsets.UTF_8)
        + "/releases?since=" + Since.format(since));
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
          .send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(response.body());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(uri + " answered " + response.statusCode()
            + (body.hasNonNull("message") ? ": " + body.get("message").asText() : ""));
      }
      return StreamSupport.stream(body.get("releases").spliterator(), false).map(ReleaseJson::record).toList();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + uri + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading " + uri, e);
    }
  }
}
