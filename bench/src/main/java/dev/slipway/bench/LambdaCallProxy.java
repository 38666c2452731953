package dev.slipway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.canary.AliasState;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP proxy in front of moto that the operator under test uses as its AWS endpoint. It
 * keeps a log of the Lambda calls that change a release's function (UpdateFunctionCode,
 * PublishVersion, CreateAlias, UpdateAlias) with the routing each alias call asked for, and it can
 * be armed with one {@link KillPoint}: the first call that reaches that point fires the kill hook,
 * in the proxy's handler thread, so the operator dies exactly there.
 */
final class LambdaCallProxy implements AutoCloseable {

  /** Where a kill can be aimed: a Lambda operation, before moto sees it or after moto performed it. */
  enum KillPoint {
    /** UpdateFunctionCode performed, the operator never sees the answer: before its PublishVersion. */
    AFTER_UPDATE_FUNCTION_CODE("UpdateFunctionCode", true),
    /** PublishVersion performed, the answer lost: the version exists, status does not name it yet. */
    AFTER_PUBLISH_VERSION("PublishVersion", true),
    /** The operator sends UpdateAlias (its status already written): moto never gets it. */
    BEFORE_UPDATE_ALIAS("UpdateAlias", false),
    /** UpdateAlias performed, the answer lost: the alias moved, the status write after it never happens. */
    AFTER_UPDATE_ALIAS("UpdateAlias", true),
    /** Not aimed at a call: the harness kills after a random delay. */
    RANDOM(null, false);

    final String operation;
    final boolean afterMoto;

    KillPoint(String operation, boolean afterMoto) {
      this.operation = operation;
      this.afterMoto = afterMoto;
    }
  }

  /** One Lambda call of the operator; {@code alias} only for alias calls, {@code performed} when moto answered 2xx. */
  record Call(Instant at, String operation, String function, AliasState alias, int status, boolean performed) {}

  private static final Pattern LAMBDA = Pattern.compile("^/2015-03-31/functions/([^/]+)(/code|/versions|/aliases(?:/([^/]+))?)?$");
  private static final Set<String> HOP_HEADERS = Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding");

  private final URI target;
  private final HttpServer server;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ObjectMapper json = new ObjectMapper();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final AtomicReference<KillPoint> armed = new AtomicReference<>();
  private volatile Consumer<KillPoint> onKillPoint = p -> {};

  LambdaCallProxy(URI target) throws IOException {
    this.target = target;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, "lambda-call-proxy");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The next call reaching {@code point} runs {@code hook}; an aim replaces the previous one. */
  void arm(KillPoint point, Consumer<KillPoint> hook) {
    onKillPoint = hook;
    armed.set(point);
  }

  void disarm() {
    armed.set(null);
  }

  List<Call> calls() {
    return new ArrayList<>(calls);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getRawPath();
      String operation = operation(exchange.getRequestMethod(), path);
      if (operation != null && fires(operation, false)) {
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      HttpRequest.Builder forward = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
          .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      exchange.getRequestHeaders().forEach((name, values) -> {
        if (!HOP_HEADERS.contains(name.toLowerCase())) {
          values.forEach(v -> forward.header(name, v));
        }
      });
      HttpResponse<byte[]> answer;
      try {
        answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      if (operation != null) {
        Matcher m = LAMBDA.matcher(path);
        m.matches();
        boolean performed = answer.statusCode() / 100 == 2;
        calls.add(new Call(Instant.now(), operation, m.group(1), aliasCall(operation) ? routing(body) : null, answer.statusCode(), performed));
        if (performed && fires(operation, true)) {
          return; // the operator is dead: the answer has nobody to go to
        }
      }
      answer.headers().map().forEach((name, values) -> {
        if (!HOP_HEADERS.contains(name.toLowerCase()) && !name.startsWith(":")) {
          values.forEach(v -> exchange.getResponseHeaders().add(name, v));
        }
      });
      exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer.body());
      }
    }
  }

  private boolean fires(String operation, boolean afterMoto) {
    KillPoint point = armed.get();
    if (point == null || !operation.equals(point.operation) || point.afterMoto != afterMoto || !armed.compareAndSet(point, null)) {
      return false;
    }
    onKillPoint.accept(point);
    return true;
  }

  /** The Lambda operation that changes a release's function, or null for any other call. */
  private static String operation(String method, String path) {
    Matcher m = LAMBDA.matcher(path);
    if (!m.matches() || m.group(2) == null) {
      return null;
    }
    String sub = m.group(2);
    if (sub.equals("/code") && method.equals("PUT")) {
      return "UpdateFunctionCode";
    }
    if (sub.equals("/versions") && method.equals("POST")) {
      return "PublishVersion";
    }
    if (sub.equals("/aliases") && method.equals("POST")) {
      return "CreateAlias";
    }
    if (m.group(3) != null && method.equals("PUT")) {
      return "UpdateAlias";
    }
    return null;
  }

  private static boolean aliasCall(String operation) {
    return operation.equals("UpdateAlias") || operation.equals("CreateAlias");
  }

  /** The routing an alias call asks for, in the machine's terms. */
  private AliasState routing(byte[] body) throws IOException {
    JsonNode request = json.readTree(body);
    String version = request.path("FunctionVersion").asText(null);
    JsonNode weights = request.path("RoutingConfig").path("AdditionalVersionWeights");
    if (weights.isObject() && weights.size() > 0) {
      Map.Entry<String, JsonNode> w = weights.fields().next();
      return AliasState.weighted(version, w.getKey(), (int) Math.round(w.getValue().asDouble() * 100));
    }
    return AliasState.single(version);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
