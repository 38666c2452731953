package dev.slipway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;
import okio.Buffer;

/** How the test doubles in front of moto pass a request they do not serve on to it, unchanged or with another body. */
final class Forwarding {

  // java.net.http sets these itself and refuses them from callers.
  private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding");

  private Forwarding() {}

  /** Sends {@code request}, with {@code body} as its body, to {@code upstream} and answers with what comes back. */
  static MockResponse forward(HttpClient http, URI upstream, RecordedRequest request, byte[] body) {
    HttpRequest.Builder out = HttpRequest.newBuilder(upstream.resolve(request.getPath())).method(request.getMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    request.getHeaders().forEach(h -> {
      if (!RESTRICTED.contains(h.getFirst().toLowerCase())) {
        out.header(h.getFirst(), h.getSecond());
      }
    });
    try {
      HttpResponse<byte[]> in = http.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
      MockResponse response = new MockResponse().setResponseCode(in.statusCode()).setBody(new Buffer().write(in.body()));
      in.headers().map().forEach((name, values) -> {
        if (!RESTRICTED.contains(name.toLowerCase()) && !name.startsWith(":")) {
          values.forEach(v -> response.addHeader(name, v));
        }
      });
      return response;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
