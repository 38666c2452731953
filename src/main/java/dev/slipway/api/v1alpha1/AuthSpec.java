package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** Sign-in for the service's users: a Cognito user pool, its app clients and its hosted-UI domain. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.clients) || self.clients.all(c, self.clients.exists_one(d, d.name == c.name))",
    message = "app client names must be unique",
    reason = "FieldValueDuplicate")
public class AuthSpec {

  @Size(max = 128)
  @JsonPropertyDescription("User pool name; defaults to <namePrefix>-users.")
  public String userPoolName;

  @Size(max = 2)
  @ValidationRule(value = "self == oldSelf", message = "usernameAttributes cannot change once the user pool exists", reason = "FieldValueForbidden")
  @JsonPropertyDescription("Attributes users sign in with instead of a user name: email, phone_number. Cognito fixes them when the pool is"
      + " created, so they cannot change afterwards.")
  public List<UsernameAttribute> usernameAttributes = new ArrayList<>();

  @Size(max = 2)
  @JsonPropertyDescription("Attributes Cognito verifies by sending a code: email, phone_number.")
  public List<UsernameAttribute> autoVerifiedAttributes = new ArrayList<>();

  @JsonPropertyDescription("Multi-factor authentication with an authenticator app (TOTP): OFF (the default), OPTIONAL or ON.")
  public Mfa mfa;

  @JsonPropertyDescription("Password rules; each unset field has Cognito's default.")
  public PasswordPolicy passwordPolicy;

  @Size(max = 2)
  @JsonPropertyDescription("How a user who forgot the password recovers the account, first choice first: verified_email, verified_phone_number"
      + " (or admin_only alone). Defaults to verified_email.")
  public List<Recovery> accountRecovery = new ArrayList<>();

  @Pattern("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
  @JsonPropertyDescription("Prefix of the hosted-UI domain https://<prefix>.auth.<region>.amazoncognito.com; none when unset.")
  public String domainPrefix;

  @Size(max = 16)
  @JsonPropertyDescription("App clients: the frontends and backends that sign users in. A client with a secret has it written to the"
      + " Kubernetes Secret <service>-<client>-cognito (keys clientId and clientSecret), never to status, events or logs.")
  public List<Client> clients = new ArrayList<>();

  public enum UsernameAttribute {
    email,
    phone_number
  }

  public enum Mfa {
    OFF,
    OPTIONAL,
    ON
  }

  public enum Recovery {
    verified_email,
    verified_phone_number,
    admin_only
  }

  /** What a password must contain. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PasswordPolicy {
    @Min(6)
    @Max(99)
    @JsonPropertyDescription("Minimum length, 6 to 99; default 8.")
    public Integer minimumLength;

    @JsonPropertyDescription("Require a lowercase letter; default true.")
    public Boolean requireLowercase;

    @JsonPropertyDescription("Require an uppercase letter; default true.")
    public Boolean requireUppercase;

    @JsonPropertyDescription("Require a digit; default true.")
    public Boolean requireNumbers;

    @JsonPropertyDescription("Require a symbol; default true.")
    public Boolean requireSymbols;

    @Min(1)
    @Max(365)
    @JsonPropertyDescription("Days a temporary password set by an administrator stays valid; default 7.")
    public Integer temporaryPasswordValidityDays;
  }

  /** One app client of the pool. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "!has(self.oauthFlows) || size(self.oauthFlows) == 0 || (has(self.callbackUrls) && size(self.callbackUrls) > 0)",
      message = "OAuth flows need at least one callbackUrl",
      reason = "FieldValueRequired")
  public static class Client {
    @Required
    @Size(max = 40)
    @Pattern("^[a-z0-9][a-z0-9-]{0,39}$")
    @JsonPropertyDescription("Logical client name; the Cognito client is named <namePrefix>-<name>. Its id is the output auth.client.<name>.id.")
    public String name;

    @JsonPropertyDescription("Give the client a secret (for a confidential backend; a browser app has none). Cognito fixes this when the"
        + " client is created, so changing it is refused: give the client a new name instead. Default false.")
    public Boolean generateSecret;

    @Size(max = 6)
    @JsonPropertyDescription("Authentication flows: ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_PASSWORD_AUTH,"
        + " ALLOW_ADMIN_USER_PASSWORD_AUTH, ALLOW_CUSTOM_AUTH. Defaults to SRP and refresh tokens.")
    public List<AuthFlow> authFlows = new ArrayList<>();

    @Size(max = 3)
    @JsonPropertyDescription("OAuth 2.0 flows of the hosted UI: code, implicit, client_credentials; none when empty.")
    public List<OAuthFlow> oauthFlows = new ArrayList<>();

    @Size(max = 25)
    @JsonPropertyDescription("OAuth scopes the client may request, for example openid, email, profile.")
    public List<@Size(max = 256) String> oauthScopes = new ArrayList<>();

    @Size(max = 100)
    @JsonPropertyDescription("Where the hosted UI may send users after sign-in (https, or http://localhost).")
    public List<@Pattern("^(https://|http://localhost)[^\\s]*$") String> callbackUrls = new ArrayList<>();

    @Size(max = 100)
    @JsonPropertyDescription("Where the hosted UI may send users after sign-out.")
    public List<@Pattern("^(https://|http://localhost)[^\\s]*$") String> logoutUrls = new ArrayList<>();

    @Min(5)
    @Max(1440)
    @JsonPropertyDescription("Minutes an access token is valid, 5 to 1440; default 60.")
    public Integer accessTokenValidityMinutes;

    @Min(5)
    @Max(1440)
    @JsonPropertyDescription("Minutes an ID token is valid, 5 to 1440; default 60.")
    public Integer idTokenValidityMinutes;

    @Min(1)
    @Max(3650)
    @JsonPropertyDescription("Days a refresh token is valid, 1 to 3650; default 30.")
    public Integer refreshTokenValidityDays;

    /** The Kubernetes Secret a client with a secret has it written to. */
    public static String secretName(String service, String client) {
      return service + "-" + client + "-cognito";
    }
  }

  public enum AuthFlow {
    ALLOW_USER_SRP_AUTH,
    ALLOW_REFRESH_TOKEN_AUTH,
    ALLOW_USER_PASSWORD_AUTH,
    ALLOW_ADMIN_USER_PASSWORD_AUTH,
    ALLOW_CUSTOM_AUTH
  }

  public enum OAuthFlow {
    code,
    implicit,
    client_credentials
  }
}
