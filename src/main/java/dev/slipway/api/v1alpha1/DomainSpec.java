package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Custom domain names of the service, in a public Route53 hosted zone, existing or created: an ACM certificate
 * for the zone's apex and {@code *.<zone>} per region that needs one, DNS-validated through the zone,
 * and the names of the APIs on it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.api) || self.api == self.hostedZone || self.api.endsWith('.' + self.hostedZone) && !self.api.substring(0, self.api.size() - self.hostedZone.size() - 1).contains('.')",
    message = "domain.api must be the hosted zone's apex or one label under it (the certificate covers <zone> and *.<zone>)",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.webSocket) || self.webSocket == self.hostedZone || self.webSocket.endsWith('.' + self.hostedZone) && !self.webSocket.substring(0, self.webSocket.size() - self.hostedZone.size() - 1).contains('.')",
    message = "domain.webSocket must be the hosted zone's apex or one label under it (the certificate covers <zone> and *.<zone>)",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.frontend) || self.frontend == self.hostedZone || self.frontend.endsWith('.' + self.hostedZone) && !self.frontend.substring(0, self.frontend.size() - self.hostedZone.size() - 1).contains('.')",
    message = "domain.frontend must be the hosted zone's apex or one label under it (the certificate covers <zone> and *.<zone>)",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.frontend) || ((!has(self.api) || self.api != self.frontend) && (!has(self.webSocket) || self.webSocket != self.frontend))",
    message = "domain.frontend must differ from domain.api and domain.webSocket",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.api) || !has(self.webSocket) || self.api != self.webSocket",
    message = "domain.api and domain.webSocket must be different names",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.hostedZoneId) || !self.createHostedZone",
    message = "domain.hostedZoneId names an existing zone: leave it out when createHostedZone is true",
    reason = "FieldValueInvalid")
public class DomainSpec {

  /** A DNS name of lower-case labels under a top-level domain, without the trailing dot. */
  public static final String DNS_NAME = "^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$";

  @Required
  @Size(min = 3, max = 200)
  @ValidationRule(value = "self == oldSelf", message = "hostedZone cannot change: its certificates cover its names; remove spec.domain and"
      + " declare it again to move to another zone", reason = "FieldValueForbidden")
  @Pattern(DomainSpec.DNS_NAME)
  @JsonPropertyDescription("Name of the public Route53 hosted zone, for example example.com, without the trailing dot. Slipway"
      + " finds an existing zone by name and writes records in it, or creates it when createHostedZone is true.")
  public String hostedZone;

  @Default("false")
  @ValidationRule(value = "self == oldSelf", message = "createHostedZone cannot change: the zone holds the service's records; remove spec.domain"
      + " and declare it again", reason = "FieldValueForbidden")
  @JsonPropertyDescription("Whether Slipway creates the public hosted zone (as seed 001's create-hosted-zone does) instead of finding an existing"
      + " one. The zone is then the service's: tagged, its name servers in output domain.nameServers (set them at the domain's registrar),"
      + " and under deletionPolicy Delete deleted after the records Slipway wrote in it; a record written by anyone else keeps it, with a"
      + " HostedZoneNotEmpty condition naming the record. An untagged zone of the name is taken over only with the adopt annotation.")
  public Boolean createHostedZone = false;

  @Size(max = 32)
  @Pattern("^Z[A-Z0-9]{1,31}$")
  @JsonPropertyDescription("Id of the hosted zone, for when several public zones carry its name; it must be the zone named in hostedZone.")
  public String hostedZoneId;

  @Size(min = 3, max = 253)
  @Pattern(DomainSpec.DNS_NAME)
  @JsonPropertyDescription("Custom domain name of the REST API (regional endpoint, mapped to its stage at the root path), for example"
      + " api.example.com; needs spec.restApi. Output: domain.restApiUrl.")
  public String api;

  @Size(min = 3, max = 253)
  @Pattern(DomainSpec.DNS_NAME)
  @JsonPropertyDescription("Custom domain name of the WebSocket API (regional endpoint, mapped to its stage), for example ws.example.com;"
      + " needs spec.webSocketApi. Output: domain.webSocketUrl.")
  public String webSocket;

  @Size(min = 3, max = 253)
  @Pattern(DomainSpec.DNS_NAME)
  @JsonPropertyDescription("Name of the frontend's CloudFront distribution, for example www.example.com: its alias, served with a us-east-1"
      + " certificate of the zone; needs spec.frontend. Output: domain.frontendUrl.")
  public String frontend;

  @Size(max = 4)
  @JsonPropertyDescription("More names the frontend's distribution serves beside domain.frontend, for example www.example.com beside the"
      + " apex (seed 002's certificate covers both); each is an alias of the distribution with its own alias records. Each must be the"
      + " zone's apex or one label under it and differ from every other name of spec.domain; needs domain.frontend.")
  public List<String> frontendAliases = new ArrayList<>();
}
