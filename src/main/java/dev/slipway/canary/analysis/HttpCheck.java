package dev.slipway.canary.analysis;

import static dev.slipway.canary.analysis.MetricCheck.result;

import dev.slipway.api.v1alpha1.AnalysisResult;
import dev.slipway.api.v1alpha1.AnalysisResult.Verdict;
import dev.slipway.net.OutboundPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A health check: GET the URL; the expected status passes, any other status, a timeout or a
 * connection error fails. The value is the status code (absent when there was no answer). A URL
 * whose host resolves to an internal address the tenancy does not allow fails without a request
 * ({@link OutboundPolicy}); the timeout is at most 30 s; the body is never read, let alone copied.
 */
final class HttpCheck implements MetricCheck {

  private final String name;
  private final HttpClient http;
  private final URI url;
  private final int expectStatus;
  private final Duration timeout;
  private final OutboundPolicy outbound;

  HttpCheck(String name, HttpClient http, URI url, int expectStatus, Duration timeout, OutboundPolicy outbound) {
    this.name = name;
    this.http = http;
    this.url = url;
    this.expectStatus = expectStatus;
    this.timeout = OutboundPolicy.timeout(timeout);
    this.outbound = outbound;
  }

  @Override
  public AnalysisResult check(AnalysisContext ctx) {
    Bounds threshold = Bounds.exactly(expectStatus);
    try {
      outbound.check(url, "GET " + url);
    } catch (OutboundPolicy.RefusedTarget refused) {
      return result(name, Verdict.Fail, null, threshold, refused.getMessage());
    }
    HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
    try {
      HttpResponse<InputStream> response = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      // The status is the verdict: close the body unread, so its size cannot matter.
      response.body().close();
      int status = response.statusCode();
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
