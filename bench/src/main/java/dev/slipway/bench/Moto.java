package dev.slipway.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * moto in server mode on a free loopback port, for the bench: the same start-up as the tests'
 * {@code dev.slipway.testing.MotoServer} (which lives in the test sources, out of this module's reach).
 * {@code MOTO_SERVER} names another executable.
 */
final class Moto implements AutoCloseable {

  private final Process process;
  private final int port;

  private Moto(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static Moto start() {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String cmd = System.getenv().getOrDefault("MOTO_SERVER", "moto_server");
    try {
      Path log = Files.createTempFile("moto-bench-", ".log");
      Process p = new ProcessBuilder(cmd, "-H", "127.0.0.1", "-p", Integer.toString(port))
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      Moto moto = new Moto(p, port);
      moto.awaitUp(log);
      moto.configure();
      return moto;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + cmd + " (run `make deps`)", e);
    }
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Forgets every resource moto holds. */
  void reset() {
    post("/moto-api/reset", "");
    configure();
  }

  private void configure() {
    // No docker engine: functions are stored and versioned, never run.
    post("/moto-api/config", "{\"lambda\":{\"use_docker\":false}}");
  }

  private void awaitUp(Path log) throws IOException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("moto_server exited: " + Files.readString(log));
      }
      try {
        if (open("/moto-api/data.json", "GET").getResponseCode() == 200) {
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

  private void post(String path, String body) {
    try {
      HttpURLConnection c = open(path, "POST");
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/json");
      c.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
      if (c.getResponseCode() >= 300) {
        throw new IllegalStateException("moto " + path + " answered " + c.getResponseCode());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HttpURLConnection open(String path, String method) throws IOException {
    HttpURLConnection c = (HttpURLConnection) endpoint().resolve(path).toURL().openConnection();
    c.setRequestMethod(method);
    c.setConnectTimeout(2000);
    c.setReadTimeout(30000);
    return c;
  }

  @Override
  public void close() {
    process.destroy();
  }
}
