package dev.slipway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The real AWS peer of Slipway's tests: moto in server mode on a free loopback port. One server per
 * JVM (it starts in about a second and tests isolate themselves by resource names); {@link #reset()}
 * wipes its state. Its IAM holds no AWS managed policies: moto loads all of them into each of IAM's
 * partitions whenever it builds IAM's backends, which made every reset, and the first calls after it,
 * about 3 s slower. A test that attaches one uses {@link #withAwsManagedPolicies()}.
 */
public final class MotoServer {

  /** The moto version the Makefile pins; the tests rely on its behaviour. */
  public static final String VERSION = "5.2.1";

  private static MotoServer shared;
  private static MotoServer withManagedPolicies;

  private final Process process;
  private final int port;

  private MotoServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** The JVM-wide server, started on first use and stopped when the JVM exits. */
  public static synchronized MotoServer shared() {
    if (shared == null) {
      shared = started(false);
    }
    return shared;
  }

  /** A second JVM-wide server, whose IAM holds AWS's managed policies as AWS's does. */
  public static synchronized MotoServer withAwsManagedPolicies() {
    if (withManagedPolicies == null) {
      withManagedPolicies = started(true);
    }
    return withManagedPolicies;
  }

  private static MotoServer started(boolean managedPolicies) {
    MotoServer server = start(managedPolicies);
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
    return server;
  }

  private static MotoServer start(boolean managedPolicies) {
    int port = freePort();
    try {
      Path log = Files.createTempFile("moto-", ".log");
      List<String> command = new ArrayList<>(motoCommand());
      command.addAll(List.of("-H", "127.0.0.1", "-p", Integer.toString(port)));
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      // ACM issues a DNS-validated certificate at its first read instead of after a minute; tests that
      // need one pending rewrite its status through AwsFaults.
      builder.environment().put("MOTO_ACM_VALIDATION_WAIT", "0");
      builder.environment().put("MOTO_IAM_LOAD_MANAGED_POLICIES", Boolean.toString(managedPolicies));
      Process p = builder.start();
      MotoServer server = new MotoServer(p, port);
      server.awaitUp(log);
      // No docker engine here: Lambda functions are stored and versioned, never run.
      server.post("/moto-api/config", "{\"lambda\":{\"use_docker\":false}}");
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start moto (run `make deps`)", e);
    }
  }

  /** {@code MOTO_SERVER} if set, else moto_server's own entry point through moto-server.py (which says why). */
  private static List<String> motoCommand() throws IOException {
    String fromEnv = System.getenv("MOTO_SERVER");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return List.of(fromEnv);
    }
    Path launcher = Files.createTempFile("moto-server-", ".py");
    launcher.toFile().deleteOnExit();
    try (InputStream in = MotoServer.class.getResourceAsStream("moto-server.py")) {
      Files.copy(in, launcher, StandardCopyOption.REPLACE_EXISTING);
    }
    return List.of("python3", launcher.toString());
  }

  private void awaitUp(Path log) throws IOException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("moto_server exited: " + Files.readString(log));
      }
      try {
        HttpURLConnection c = open("/moto-api/data.json", "GET");
        if (c.getResponseCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("moto_server did not answer within 60s; log: " + log);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  /** Forgets every resource moto holds (the Lambda configuration is kept). */
  public void reset() {
    post("/moto-api/reset", "");
    post("/moto-api/config", "{\"lambda\":{\"use_docker\":false}}");
  }

  public void stop() {
    process.destroy();
  }

  private void post(String path, String body) {
    try {
      HttpURLConnection c = open(path, "POST");
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/json");
      c.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
      int code = c.getResponseCode();
      if (code >= 300) {
        throw new IllegalStateException("moto " + path + " answered " + code);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HttpURLConnection open(String path, String method) throws IOException {
    HttpURLConnection c = (HttpURLConnection) endpoint().resolve(path).toURL().openConnection();
    c.setRequestMethod(method);
    c.setConnectTimeout(2000);
    // A reset rebuilds every backend of every region: on a loaded machine it took more than 10 s.
    c.setReadTimeout(60_000);
    return c;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
