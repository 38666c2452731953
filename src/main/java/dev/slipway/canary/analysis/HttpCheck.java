package dev.slipway.canary.analysis;

import static dev.slipway.canary.analysis.MetricCheck.result;

import dev.slipway.api.v1alpha1.AnalysisResult;
import dev.slipway.api.v1alpha1.AnalysisResult.Verdict;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A health check: GET the URL; the expected status passes, any other status, a timeout or a
 * connection error fails. The value is the status code (absent when there was no answer).
 */
final class HttpCheck implements MetricCheck {

  private final String name;
  private final HttpClient http;
  private final URI url;
  private final int expectStatus;
  private final Duration timeout;

  HttpCheck(String name, HttpClient http, URI url, int expectStatus, Duration timeout) {
    this.name = name;
    this.http = http;
    this.url = url;
    this.expectStatus = expectStatus;
    this.timeout = timeout;
  }

  @Override
  public AnalysisResult check(AnalysisContext ctx) {
    String threshold = "== " + expectStatus;
    HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
    try {
      int status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
      return result(name, status == expectStatus ? Verdict.Pass : Verdict.Fail, (double) status, threshold, "GET " + url + " answered " + status);
    } catch (IOException e) {
      return result(name, Verdict.Fail, null, threshold, "GET " + url + " failed: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return result(name, Verdict.Inconclusive, null, threshold, "interrupted");
    }
  }
}
