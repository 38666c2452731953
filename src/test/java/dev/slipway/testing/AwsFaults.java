package dev.slipway.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A test double for AWS failures: an HTTP proxy in front of the shared {@link MotoServer} that
 * forwards every request to moto, except those matching an injected {@link Fault}, which it answers
 * itself with an AWS-shaped error (HTTP 500, 429 throttling, 403 AccessDenied...) a given number of
 * times. The operator under test talks to this proxy (see {@link SlipwayTestEnvironment}); moto
 * still does all the real work.
 *
 * <p>Operations are recognised the way AWS protocols carry them: by method and path for the REST
 * protocols (Lambda: {@code POST /2015-03-31/functions} is CreateFunction), by the {@code
 * X-Amz-Target} header for JSON protocols (DynamoDB), and by {@code Action=} in the form body for
 * the query protocols (IAM, STS). It can also let a request through to moto and {@link #rewrite}
 * moto's answer, to play states moto never reports (a Lambda function still Pending or an update
 * InProgress: moto applies everything at once). It also keeps a journal of every request with its time, so tests
 * can count attempts and measure the delay between them.
 */
public final class AwsFaults {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The hosted zone of API Gateway's regional endpoints in us-east-1, where AWS aliases regional domain names. */
  private static final String API_GATEWAY_US_EAST_1_ZONE = "Z1UJRXOUMOOFQ8";

  private static AwsFaults shared;

  /** Hop-by-hop and computed headers the JDK client sets itself. */
  private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade", "transfer-encoding", "keep-alive");

  /** The journal's status for a request moto performed whose answer {@link #loseResponse} lost. */
  public static final int LOST = 599;

  private final HttpServer server;
  private final URI upstream;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private boolean domainTargets;
  private final List<Rewrite> rewrites = new CopyOnWriteArrayList<>();
  /** Rewrites {@link #clearFaults} keeps: test doubles for what moto answers unlike AWS, for a whole test. */
  private final List<Rewrite> standing = new CopyOnWriteArrayList<>();
  private final List<Request> journal = new CopyOnWriteArrayList<>();
  private final List<Predicate<Request>> fencedAliases = new CopyOnWriteArrayList<>();
  /** Requests another double serves instead of moto, by what they match; {@link #clearFaults} keeps them. */
  private final Map<Predicate<Request>, URI> routes = new java.util.concurrent.ConcurrentHashMap<>();
  /** The double's RevisionId of each fenced alias, by its path; absent: never changed through the proxy. */
  private final Map<String, Integer> aliasRevisions = new java.util.concurrent.ConcurrentHashMap<>();

  private AwsFaults(URI upstream) {
    this.upstream = upstream;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "aws-faults");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    server.start();
  }

  /** The JVM-wide proxy in front of {@link MotoServer#shared()}. */
  public static synchronized AwsFaults shared() {
    if (shared == null) {
      shared = new AwsFaults(MotoServer.shared().endpoint());
      Runtime.getRuntime().addShutdownHook(new Thread(() -> shared.server.stop(0)));
    }
    return shared;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** One request as the proxy saw it; {@code operation} is the AWS operation where the protocol names it. */
  public record Request(Instant at, String method, String path, Map<String, List<String>> headers, String body, int status) {

    /** X-Amz-Target's operation (DynamoDB_20120810.CreateTable gives CreateTable) or the query protocol's Action. */
    public String operation() {
      String target = header("x-amz-target");
      if (target != null) {
        return target.substring(target.lastIndexOf('.') + 1);
      }
      for (String pair : body.split("&")) {
        if (pair.startsWith("Action=")) {
          return pair.substring("Action=".length());
        }
      }
      return method + " " + path;
    }

    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .findFirst()
          .map(e -> e.getValue().get(0))
          .orElse(null);
    }

    public boolean bodyContains(String s) {
      return body.contains(s);
    }
  }

  /** Which requests to answer with what, how many more times. */
  public static final class Fault {
    private final Predicate<Request> match;
    private final int status;
    private final Map<String, String> headers;
    private final String body;
    private final AtomicInteger remaining;
    private final AtomicInteger served = new AtomicInteger();

    private Fault(Predicate<Request> match, int status, Map<String, String> headers, String body, int times) {
      this.match = match;
      this.status = status;
      this.headers = headers;
      this.body = body;
      this.remaining = new AtomicInteger(times);
    }

    /** How many requests this fault has answered. */
    public int served() {
      return served.get();
    }

    boolean take(Request r) {
      if (!match.test(r)) {
        return false;
      }
      if (remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) <= 0) {
        return false;
      }
      served.incrementAndGet();
      return true;
    }
  }

  /** Which of moto's answers to change how (or to lose, when {@code body} is null), how many more times. */
  public static final class Rewrite {
    private final Fault selector;
    private final UnaryOperator<String> body;

    private Rewrite(Predicate<Request> match, UnaryOperator<String> body, int times) {
      this.selector = new Fault(match, 0, Map.of(), "", times);
      this.body = body;
    }

    /** How many answers this rewrite has changed. */
    public int served() {
      return selector.served();
    }
  }

  // --- matchers ---

  /** Lambda GetFunction of the function with this physical name. */
  public static Predicate<Request> getFunction(String functionName) {
    return rest("GET", "/2015-03-31/functions/" + functionName);
  }

  /** Requests matching {@code match} that come after a request matching {@code earlier}, counted from now. */
  public Predicate<Request> after(Predicate<Request> earlier, Predicate<Request> match) {
    int from = journal.size();
    return r -> match.test(r) && journal.stream().skip(from).anyMatch(earlier);
  }

  /** A REST-protocol call (Lambda, API Gateway) by method and exact path. */
  public static Predicate<Request> rest(String method, String path) {
    return r -> r.method().equals(method) && r.path().equals(path);
  }

  /** Lambda CreateFunction of the function with this physical name. */
  public static Predicate<Request> createFunction(String functionName) {
    return rest("POST", "/2015-03-31/functions").and(r -> r.bodyContains("\"FunctionName\":\"" + functionName + "\"") || r.bodyContains("\"FunctionName\": \"" + functionName + "\""));
  }

  /** A JSON-protocol call (DynamoDB) by the operation in its X-Amz-Target header. */
  public static Predicate<Request> target(String operation) {
    return r -> {
      String t = r.header("x-amz-target");
      return t != null && t.endsWith("." + operation);
    };
  }

  /** A query-protocol call (IAM, STS) by its Action. */
  public static Predicate<Request> action(String action) {
    return r -> r.bodyContains("Action=" + action + "&") || r.body().endsWith("Action=" + action);
  }

  /**
   * An operation of a protocol that names it (not the REST ones): the query protocols' {@code Action}
   * (IAM, EC2, SNS), the JSON protocols' X-Amz-Target (DynamoDB, SSM, Logs, Cognito), or the RPC v2
   * path {@code .../operation/<name>} (CloudWatch).
   */
  public static Predicate<Request> operation(String name) {
    return action(name).or(target(name)).or(r -> r.path().endsWith("/operation/" + name));
  }

  // --- injection ---

  /** Answers matching requests {@code times} times with HTTP 500 (InternalFailure / ServiceException). */
  public Fault serverError(Predicate<Request> match, int times) {
    return add(new Fault(match, 500, Map.of("x-amzn-ErrorType", "ServiceException"), "{\"Type\":\"Service\",\"message\":\"injected internal error\"}", times));
  }

  /** Answers matching requests {@code times} times with HTTP 429 ThrottlingException. */
  public Fault throttle(Predicate<Request> match, int times) {
    return add(new Fault(match, 429, Map.of("x-amzn-ErrorType", "ThrottlingException"), "{\"message\":\"injected: rate exceeded\"}", times));
  }

  /** Answers matching requests {@code times} times with HTTP 403 AccessDeniedException. */
  public Fault accessDenied(Predicate<Request> match, int times) {
    return add(new Fault(match, 403, Map.of("x-amzn-ErrorType", "AccessDeniedException"),
        "{\"Type\":\"User\",\"message\":\"injected: User is not authorized to perform this action\"}", times));
  }

  /** Answers matching requests {@code times} times with HTTP 400 InvalidParameterValueException and {@code message}, as Lambda refuses bad input. */
  public Fault invalidParameter(Predicate<Request> match, String message, int times) {
    return add(new Fault(match, 400, Map.of("x-amzn-ErrorType", "InvalidParameterValueException"),
        "{\"Type\":\"User\",\"message\":\"" + message + "\"}", times));
  }

  /**
   * Lets matching requests reach moto {@code times} times and answers with moto's response body
   * changed by {@code body} (status and headers as moto sent them).
   */
  public Rewrite rewrite(Predicate<Request> match, UnaryOperator<String> body, int times) {
    Rewrite r = new Rewrite(match, body, times);
    rewrites.add(r);
    return r;
  }

  /**
   * Changes every matching answer of moto with {@code body}, after the rewrites and lost answers a
   * test injects and whatever {@link #clearFaults} clears, until the returned handle is closed: a
   * test double for a field moto answers unlike AWS, named as such where a test uses it.
   */
  public AutoCloseable standingRewrite(Predicate<Request> match, UnaryOperator<String> body) {
    Rewrite r = new Rewrite(match, body, Integer.MAX_VALUE);
    standing.add(r);
    return () -> standing.remove(r);
  }

  /**
   * A test double for API Gateway v2 custom domain names, on for the rest of the JVM: moto 5.2.1
   * answers a domain name's configurations as they were given, without the regional target AWS adds
   * to each (ApiGatewayDomainName, HostedZoneId), so no alias record could point at a WebSocket API's
   * domain. The proxy adds them as AWS shows them in us-east-1, the tests' region.
   */
  public synchronized void playWebSocketDomainTargets() {
    if (!domainTargets) {
      standingRewrite(r -> r.path().startsWith("/v2/domainnames") && !r.path().contains("/apimappings"), AwsFaults::withDomainTargets);
      domainTargets = true;
    }
  }

  private static String withDomainTargets(String body) {
    try {
      var json = JSON.readTree(body);
      var domains = json.has("items") ? json.get("items") : JSON.createArrayNode().add(json);
      for (var domain : domains) {
        for (var config : domain.path("domainNameConfigurations")) {
          if (config instanceof ObjectNode c && !c.has("apiGatewayDomainName")) {
            String id = Integer.toHexString(domain.path("domainName").asText().hashCode() & 0x7fffffff);
            c.put("apiGatewayDomainName", "d-" + id + ".execute-api.us-east-1.amazonaws.com");
            c.put("hostedZoneId", API_GATEWAY_US_EAST_1_ZONE);
          }
        }
      }
      return JSON.writeValueAsString(json);
    } catch (IOException e) {
      return body; // not JSON (an error page): as moto said it
    }
  }

  /**
   * Sends every matching request that no fault answers to {@code to} instead of moto, until the
   * returned handle is closed: a test double for what moto lacks (such as {@link ElastiCacheDouble},
   * which then forwards the rest to moto itself), with the faults and the journal still in front of it.
   */
  public AutoCloseable route(Predicate<Request> match, URI to) {
    routes.put(match, to);
    return () -> routes.remove(match);
  }

  /** Requests signed for {@code service} (SigV4's credential scope), for example elasticache. */
  public static Predicate<Request> service(String service) {
    return r -> {
      String authorization = r.header("authorization");
      return authorization != null && authorization.contains("/" + service + "/aws4_request");
    };
  }

  /**
   * Lets matching requests reach moto {@code times} times, so AWS performs them, and then loses the
   * answer: the caller sees HTTP 500 InternalFailure, as when a response is lost on the way back,
   * and the SDK retries a call that has already happened.
   */
  public Rewrite loseResponse(Predicate<Request> match, int times) {
    Rewrite r = new Rewrite(match, null, times);
    rewrites.add(r);
    return r;
  }

  /**
   * A test double for Lambda's alias RevisionId, for the aliases of the functions {@code functions}
   * matches by name: moto 5.2.1 ignores RevisionId on UpdateAlias and never changes an alias's
   * RevisionId, so the proxy plays it. Each UpdateAlias the proxy lets through gives the alias a new
   * RevisionId; GetAlias, CreateAlias and UpdateAlias answers carry the current one; an UpdateAlias
   * with a RevisionId that is no longer current is answered, as Lambda does, with HTTP 412
   * PreconditionFailedException and never reaches moto. Only writes through the proxy count:
   * changes made straight to moto are not seen. {@link #clearFaults} ends it.
   */
  public void fenceAliasRevisions(Predicate<String> functions) {
    fencedAliases.add(r -> {
      java.util.regex.Matcher m = ALIAS_PATH.matcher(r.path());
      return m.matches() && functions.test(m.group(1));
    });
  }

  /** A Lambda alias by path: GetAlias and UpdateAlias. */
  private static final java.util.regex.Pattern ALIAS_PATH = java.util.regex.Pattern.compile("/2015-03-31/functions/([^/]+)/aliases/([^/]+)");
  private static final java.util.regex.Pattern REVISION_ID = java.util.regex.Pattern.compile("\"RevisionId\"\\s*:\\s*\"([^\"]*)\"");

  private String aliasRevision(String path) {
    return "double-" + aliasRevisions.getOrDefault(path, 0);
  }

  private Fault add(Fault f) {
    faults.add(f);
    return f;
  }

  /** Removes every fault and rewrite; requests reach moto again and its answers go back unchanged. */
  public void clearFaults() {
    faults.clear();
    rewrites.clear();
    fencedAliases.clear();
    aliasRevisions.clear();
  }

  /** Every request seen so far, oldest first. */
  public List<Request> journal() {
    return List.copyOf(journal);
  }

  /** The requests seen so far that match. */
  public List<Request> requests(Predicate<Request> match) {
    return journal.stream().filter(match).toList();
  }

  // --- proxying ---

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String rawQuery = exchange.getRequestURI().getRawQuery();
      Request seen = new Request(Instant.now(), exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          Map.copyOf(exchange.getRequestHeaders()), new String(body, StandardCharsets.UTF_8), 0);
      Fault fault = faults.stream().filter(f -> f.take(seen)).findFirst().orElse(null);
      boolean fenced = fault == null && fencedAliases.stream().anyMatch(f -> f.test(seen));
      if (fenced && seen.method().equals("PUT")) {
        java.util.regex.Matcher asked = REVISION_ID.matcher(seen.body());
        if (asked.find() && !asked.group(1).equals(aliasRevision(seen.path()))) {
          fault = new Fault(r -> true, 412, Map.of("x-amzn-ErrorType", "PreconditionFailedException"),
              "{\"Type\":\"User\",\"message\":\"The Revision Id provided does not match the latest Revision Id. Call the GetAlias API to retrieve the latest Revision Id\"}", 1);
        }
      }
      if (fault != null) {
        journal.add(withStatus(seen, fault.status));
        byte[] answer = fault.body.getBytes(StandardCharsets.UTF_8);
        fault.headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("x-amzn-RequestId", "injected-fault");
        exchange.sendResponseHeaders(fault.status, answer.length);
        exchange.getResponseBody().write(answer);
        return;
      }
      URI to = routes.entrySet().stream().filter(e -> e.getKey().test(seen)).map(Map.Entry::getValue).findFirst().orElse(upstream);
      URI target = URI.create(to + exchange.getRequestURI().getRawPath() + (rawQuery == null ? "" : "?" + rawQuery));
      HttpRequest.Builder forward = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(60))
          .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      exchange.getRequestHeaders().forEach((name, values) -> {
        if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
          values.forEach(v -> forward.header(name, v));
        }
      });
      HttpResponse<byte[]> response;
      try {
        response = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      Rewrite rewrite = rewrites.stream().filter(w -> w.selector.take(seen)).findFirst()
          .or(() -> standing.stream().filter(w -> w.selector.take(seen)).findFirst()).orElse(null);
      if (fenced && response.statusCode() / 100 == 2) {
        if (seen.method().equals("PUT")) {
          aliasRevisions.merge(seen.path(), 1, Integer::sum);
        }
        String revision = aliasRevision(seen.path());
        UnaryOperator<String> then = rewrite == null ? UnaryOperator.identity() : rewrite.body;
        if (rewrite == null || rewrite.body != null) {
          rewrite = new Rewrite(r -> true, b -> then.apply(REVISION_ID.matcher(b).replaceAll("\"RevisionId\":\"" + revision + "\"")), 1);
        }
      }
      if (rewrite != null && rewrite.body == null) {
        journal.add(withStatus(seen, LOST));
        byte[] lost = "{\"Type\":\"Service\",\"message\":\"injected: response lost\"}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("x-amzn-ErrorType", "ServiceException");
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(500, lost.length);
        exchange.getResponseBody().write(lost);
        return;
      }
      journal.add(withStatus(seen, response.statusCode()));
      boolean rewritten = rewrite != null;
      response.headers().map().forEach((name, values) -> {
        String lower = name.toLowerCase(Locale.ROOT);
        // A rewritten body no longer matches moto's checksum of the original one.
        boolean staleChecksum = rewritten && lower.equals("x-amz-crc32");
        if (!RESTRICTED.contains(lower) && !lower.equals(":status") && !lower.equals("date") && !staleChecksum) {
          values.forEach(v -> exchange.getResponseHeaders().add(name, v));
        }
      });
      byte[] answer = response.body();
      if (rewrite != null) {
        answer = rewrite.body.apply(new String(answer, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
      }
      boolean empty = answer.length == 0 || exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(response.statusCode(), empty ? -1 : answer.length);
      if (!empty) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(answer);
        }
      }
    }
  }

  private static Request withStatus(Request r, int status) {
    return new Request(r.at(), r.method(), r.path(), r.headers(), r.body().length() > 8192 ? r.body().substring(0, 8192) : r.body(), status);
  }
}
