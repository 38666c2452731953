package dev.slipway.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SSRF: which addresses the operator's HTTP requests on a user's behalf may reach (IP literals and localhost: no DNS server needed). */
class OutboundPolicyTest {

  private static final List<String> INTERNAL = List.of(
      "http://127.0.0.1/", "http://127.1.2.3:8080/x", "http://localhost/", "http://169.254.169.254/latest/meta-data/",
      "http://10.0.0.1/", "http://172.16.5.4/", "http://172.31.255.255/", "http://192.168.1.1/", "http://100.64.0.10/",
      "http://0.0.0.0/", "http://[::1]/", "http://[fe80::1]/", "http://[fd00:ec2::254]/", "http://[::ffff:127.0.0.1]/",
      "http://[::ffff:169.254.169.254]/", "http://224.0.0.1/", "http://2130706433/");

  @Test
  void byDefaultEveryInternalAddressIsRefused() {
    OutboundPolicy policy = OutboundPolicy.publicOnly();
    for (String url : INTERNAL) {
      assertThatThrownBy(() -> policy.check(URI.create(url), "GET " + url)).as(url)
          .isInstanceOf(OutboundPolicy.RefusedTarget.class)
          .hasMessageStartingWith("GET " + url);
    }
  }

  @Test
  void publicAddressesPass() {
    OutboundPolicy policy = OutboundPolicy.publicOnly();
    for (String url : List.of("https://93.184.215.14/health", "http://172.32.0.1/", "http://11.0.0.1/", "https://[2606:4700:4700::1111]/")) {
      assertThatCode(() -> policy.check(URI.create(url), url)).as(url).doesNotThrowAnyException();
    }
  }

  @Test
  void aTenancysInternalTargetsAllowExactlyTheirRanges() throws Exception {
    OutboundPolicy policy = OutboundPolicy.allowing(List.of("127.0.0.0/8", "10.20.0.0/16", "fd00:ec2::254", "not-a-range", "10.0.0.0/99"));
    policy.check(URI.create("http://127.0.0.1:4000/"), "loopback");
    policy.check(URI.create("http://localhost/"), "localhost");
    policy.check(URI.create("http://10.20.3.4/"), "in range");
    policy.check(URI.create("http://[fd00:ec2::254]/"), "single address");
    for (String url : List.of("http://10.21.0.1/", "http://169.254.169.254/", "http://[fd00:ec2::253]/")) {
      assertThatThrownBy(() -> policy.check(URI.create(url), url)).as(url).isInstanceOf(OutboundPolicy.RefusedTarget.class)
          .hasMessageContaining("internalTargets");
    }
  }

  @Test
  void anUnresolvableOrMissingHostIsRefused() {
    OutboundPolicy policy = OutboundPolicy.publicOnly();
    assertThatThrownBy(() -> policy.check(URI.create("http://no-such-host.invalid/"), "the Slack webhook"))
        .hasMessage("the Slack webhook: host does not resolve");
    assertThatThrownBy(() -> policy.check(URI.create("file:///etc/passwd"), "x")).hasMessage("x has no host");
  }

  @Test
  void timeoutsAreAtMostThirtySeconds() {
    assertThat(OutboundPolicy.timeout(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
    assertThat(OutboundPolicy.timeout(Duration.ofMinutes(10))).isEqualTo(Duration.ofSeconds(30));
    assertThat(OutboundPolicy.timeout(Duration.ZERO)).isEqualTo(Duration.ofSeconds(30));
    assertThat(OutboundPolicy.timeout(null)).isEqualTo(Duration.ofSeconds(30));
  }
}
