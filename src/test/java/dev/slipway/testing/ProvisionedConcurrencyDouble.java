package dev.slipway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;

/**
 * TEST DOUBLE for one Lambda API that moto 5.2.1 lacks: provisioned concurrency
 * (Put/Get/DeleteProvisionedConcurrencyConfig answer 404 there). An HTTP server in front of moto
 * serves {@code /2019-09-30/functions/{name}/provisioned-concurrency} from memory, as AWS documents
 * it, and forwards every other request to moto unchanged.
 */
public final class ProvisionedConcurrencyDouble implements AutoCloseable {

  private static final Pattern PATH = Pattern.compile("/2019-09-30/functions/([^/?]+)/provisioned-concurrency\\?Qualifier=([^&]+)");
  private static final Pattern COUNT = Pattern.compile("\"ProvisionedConcurrentExecutions\"\\s*:\\s*(\\d+)");

  private final MockWebServer server = new MockWebServer();
  private final HttpClient http = HttpClient.newHttpClient();
  private final URI moto;
  /** Requested provisioned concurrency by "function:qualifier". */
  private final Map<String, Integer> configs = new ConcurrentHashMap<>();

  public ProvisionedConcurrencyDouble(URI moto) {
    this.moto = moto;
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        Matcher m = PATH.matcher(request.getPath());
        return m.matches() ? provisionedConcurrency(request, m.group(1) + ":" + m.group(2)) : forward(request);
      }

      // The SDK's HTTP client sends "Expect: 100-continue" and waits seconds for the go-ahead
      // before a body; answer it at once, as AWS and moto do.
      @Override
      public MockResponse peek() {
        return new MockResponse().setSocketPolicy(SocketPolicy.EXPECT_CONTINUE);
      }
    });
    try {
      server.start(InetAddress.getLoopbackAddress(), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getPort());
  }

  /** The provisioned concurrency requested on {@code function:qualifier}, or null. */
  public Integer requested(String function, String qualifier) {
    return configs.get(function + ":" + qualifier);
  }

  private MockResponse provisionedConcurrency(RecordedRequest request, String key) {
    switch (request.getMethod()) {
      case "PUT" -> {
        Matcher count = COUNT.matcher(request.getBody().readUtf8());
        if (!count.find()) {
          return error(400, "InvalidParameterValueException", "ProvisionedConcurrentExecutions is required");
        }
        configs.put(key, Integer.parseInt(count.group(1)));
        return config(202, configs.get(key));
      }
      case "GET" -> {
        Integer n = configs.get(key);
        return n == null ? error(404, "ProvisionedConcurrencyConfigNotFoundException", "No Provisioned Concurrency Config found for this function") : config(200, n);
      }
      case "DELETE" -> {
        return configs.remove(key) == null
            ? error(404, "ProvisionedConcurrencyConfigNotFoundException", "No Provisioned Concurrency Config found for this function")
            : new MockResponse().setResponseCode(204);
      }
      default -> {
        return error(405, "InvalidRequestException", request.getMethod());
      }
    }
  }

  private static MockResponse config(int status, int n) {
    return new MockResponse()
        .setResponseCode(status)
        .setHeader("Content-Type", "application/json")
        .setBody("{\"RequestedProvisionedConcurrentExecutions\":" + n + ",\"AllocatedProvisionedConcurrentExecutions\":" + n
            + ",\"AvailableProvisionedConcurrentExecutions\":" + n + ",\"Status\":\"READY\"}");
  }

  private static MockResponse error(int status, String type, String message) {
    return new MockResponse()
        .setResponseCode(status)
        .setHeader("Content-Type", "application/json")
        .setHeader("x-amzn-ErrorType", type)
        .setBody("{\"Type\":\"User\",\"message\":\"" + message + "\"}");
  }

  private MockResponse forward(RecordedRequest request) {
    return Forwarding.forward(http, moto, request, request.getBody().readByteArray());
  }

  @Override
  public void close() throws IOException {
    server.shutdown();
  }
}
