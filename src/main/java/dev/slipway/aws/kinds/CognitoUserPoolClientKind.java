package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.AuthSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.UntaggedKind;
import dev.slipway.aws.Delta;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Lookups;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import dev.slipway.status.Reasons;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.TimeUnitsType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolClientDescription;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolClientType;

/**
 * An app client of the service's user pool ({@code <prefix>-<name>}). Clients carry no tags: they
 * belong to the service that owns their pool. A client with a secret has it written to the
 * Kubernetes Secret {@code <service>-<client>-cognito}, which the service owns; the value is compared
 * there and shown nowhere else (its step names the field only).
 */
public final class CognitoUserPoolClientKind implements UntaggedKind<CognitoUserPoolClientKind.Desired, CognitoUserPoolClientKind.Observed> {

  public static final String KIND = "CognitoUserPoolClient";
  private static final KindInfo INFO = KindInfo.recordedId(KIND, Set.of(CognitoUserPoolKind.KIND)).ownedByParent();
  private static final List<String> DEFAULT_FLOWS = List.of("ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH");

  /** The client as the spec wants it; lists sorted, as Cognito does not keep their order. */
  public record Desired(
      String name,
      String physicalName,
      String userPoolId,
      boolean generateSecret,
      List<String> authFlows,
      List<String> oauthFlows,
      List<String> oauthScopes,
      List<String> callbackUrls,
      List<String> logoutUrls,
      int accessTokenMinutes,
      int idTokenMinutes,
      int refreshTokenDays,
      String secretName)
      implements DesiredResource {}

  /** DescribeUserPoolClient's view, and the data of the Secret holding its credential (empty when none). */
  public record Observed(UserPoolClientType client, Map<String, String> secret) {}

  /** The output key of a client's id. */
  public static String idOutput(String client) {
    return "auth.client." + client + ".id";
  }

  @Override
  public KindInfo info() {
    return INFO;
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    AuthSpec auth = ctx.spec().auth;
    if (auth == null) {
      return List.of();
    }
    String pool = Planned.key(CognitoUserPoolKind.KIND, CognitoUserPoolKind.LOGICAL);
    return auth.clients.stream()
        .map(c -> new Planned<>(this, c.name, ctx.physicalName(c.name), List.of(pool), x -> desired(x, c)))
        .toList();
  }

  private static Desired desired(StackContext ctx, AuthSpec.Client c) {
    return new Desired(
        c.name,
        ctx.physicalName(c.name),
        ctx.output(CognitoUserPoolKind.POOL_ID),
        Boolean.TRUE.equals(c.generateSecret),
        c.authFlows.isEmpty() ? DEFAULT_FLOWS : sorted(c.authFlows.stream().map(Enum::name).toList()),
        sorted(c.oauthFlows.stream().map(Enum::name).toList()),
        sorted(c.oauthScopes),
        sorted(c.callbackUrls),
        sorted(c.logoutUrls),
        Objects.requireNonNullElse(c.accessTokenValidityMinutes, 60),
        Objects.requireNonNullElse(c.idTokenValidityMinutes, 60),
        Objects.requireNonNullElse(c.refreshTokenValidityDays, 30),
        AuthSpec.Client.secretName(ctx.serviceName(), c.name));
  }

  /** By the recorded id while it still names this client; otherwise by name among the pool's clients. */
  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    CognitoIdentityProviderClient cognito = CognitoUserPoolKind.cognito(ctx);
    Optional<UserPoolClientType> recorded = ctx.previous(KIND, d.name()).map(r -> r.id)
        .flatMap(id -> AwsErrors.unlessNotFound(() -> describe(cognito, d.userPoolId(), id)))
        .filter(c -> d.physicalName().equals(c.clientName()));
    return recorded.or(() -> find(cognito, ctx, d))
        .map(c -> new Observed(c, c.clientSecret() == null ? Map.of() : ctx.secrets().owned(d.secretName()).orElse(Map.of())));
  }

  private static UserPoolClientType describe(CognitoIdentityProviderClient cognito, String pool, String id) {
    return cognito.describeUserPoolClient(r -> r.userPoolId(pool).clientId(id)).userPoolClient();
  }

  private static Optional<UserPoolClientType> find(CognitoIdentityProviderClient cognito, StackContext ctx, Desired d) {
    List<UserPoolClientType> named = cognito.listUserPoolClientsPaginator(r -> r.userPoolId(d.userPoolId()).maxResults(60)).userPoolClients().stream()
        .filter(c -> d.physicalName().equals(c.clientName()))
        .map(UserPoolClientDescription::clientId)
        .map(id -> describe(cognito, d.userPoolId(), id))
        .toList();
    // Clients carry no tags: two of one name in the service's own pool are ambiguous.
    return Lookups.unique(ctx, named, c -> Map.of(), "user pool client", d.physicalName());
  }

  /** Whether the client has a secret is fixed at creation; the rest is the settings step's. */
  @Override
  public Observed create(StackContext ctx, Desired d) {
    UserPoolClientType created = CognitoUserPoolKind.cognito(ctx).createUserPoolClient(r -> r
        .userPoolId(d.userPoolId())
        .clientName(d.physicalName())
        .generateSecret(d.generateSecret())
        .explicitAuthFlowsWithStrings(d.authFlows())).userPoolClient();
    return new Observed(created, Map.of());
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    UserPoolClientType c = o.client();
    if (d.generateSecret() != (c.clientSecret() != null)) {
      throw SlipwayException.terminal(Reasons.INVALID_SPEC, "user pool client " + d.physicalName() + (d.generateSecret() ? " has no secret" : " has a secret")
          + ": Cognito fixes this when a client is created, so give the client a new name to get one " + (d.generateSecret() ? "with" : "without") + " a secret");
    }
    List<Step> steps = new ArrayList<>();
    Delta settings = Delta.builder()
        .compare("authFlows", d.authFlows(), sorted(c.explicitAuthFlowsAsStrings()))
        .compare("oauthFlows", d.oauthFlows(), sorted(c.allowedOAuthFlowsAsStrings()))
        .compare("oauthScopes", d.oauthScopes(), sorted(c.allowedOAuthScopes()))
        .compare("callbackUrls", d.callbackUrls(), sorted(c.callbackURLs()))
        .compare("logoutUrls", d.logoutUrls(), sorted(c.logoutURLs()))
        .compare("accessTokenValidityMinutes", d.accessTokenMinutes(), minutes(c.accessTokenValidity(), c.tokenValidityUnits() == null ? null : c.tokenValidityUnits().accessToken()))
        .compare("idTokenValidityMinutes", d.idTokenMinutes(), minutes(c.idTokenValidity(), c.tokenValidityUnits() == null ? null : c.tokenValidityUnits().idToken()))
        .compare("refreshTokenValidityDays", d.refreshTokenDays(), days(c.refreshTokenValidity(), c.tokenValidityUnits() == null ? null : c.tokenValidityUnits().refreshToken()))
        .build();
    if (!settings.isEmpty()) {
      // UpdateUserPoolClient resets what it is not given, so it always gets every setting.
      steps.add(new Step(settings.differences(), () -> CognitoUserPoolKind.cognito(ctx).updateUserPoolClient(r -> r
          .userPoolId(d.userPoolId())
          .clientId(c.clientId())
          .clientName(d.physicalName())
          .explicitAuthFlowsWithStrings(d.authFlows())
          .allowedOAuthFlowsWithStrings(d.oauthFlows())
          .allowedOAuthFlowsUserPoolClient(!d.oauthFlows().isEmpty())
          .allowedOAuthScopes(d.oauthScopes())
          .callbackURLs(d.callbackUrls())
          .logoutURLs(d.logoutUrls())
          .supportedIdentityProviders(d.oauthFlows().isEmpty() ? List.of() : List.of("COGNITO"))
          .accessTokenValidity(d.accessTokenMinutes())
          .idTokenValidity(d.idTokenMinutes())
          .refreshTokenValidity(d.refreshTokenDays())
          .tokenValidityUnits(u -> u.accessToken(TimeUnitsType.MINUTES).idToken(TimeUnitsType.MINUTES).refreshToken(TimeUnitsType.DAYS)))));
    }
    if (c.clientSecret() != null) {
      Map<String, String> credential = Map.of("clientId", c.clientId(), "clientSecret", c.clientSecret());
      ctx.secrets().ownWhenChanged(d.secretName(), credential, o.secret()).ifPresent(steps::add);
    }
    return steps;
  }

  /** A validity in minutes, from Cognito's value in its unit (hours when no unit is set). */
  private static Integer minutes(Integer value, TimeUnitsType unit) {
    if (value == null) {
      return null;
    }
    return switch (unit == null ? TimeUnitsType.HOURS : unit) {
      case SECONDS -> value / 60;
      case MINUTES -> value;
      case HOURS -> value * 60;
      case DAYS -> value * 1440;
      default -> value;
    };
  }

  /** A refresh-token validity in days, from Cognito's value in its unit (days when no unit is set). */
  private static Integer days(Integer value, TimeUnitsType unit) {
    if (value == null) {
      return null;
    }
    return unit == null || unit == TimeUnitsType.DAYS ? value : minutes(value, unit) / 1440;
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(o.client().clientId()).output(idOutput(d.name()), o.client().clientId()).build();
  }

  /** A client is the service's when its pool is; without a recorded pool nothing of it can be found. */
  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    return poolId(ctx).map(pool -> {
      describe(CognitoUserPoolKind.cognito(ctx), pool, resource.id);
      return CognitoUserPoolKind.cognito(ctx).describeUserPool(r -> r.userPoolId(pool)).userPool().userPoolTags();
    });
  }

  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    ctx.secrets().disown(AuthSpec.Client.secretName(ctx.serviceName(), resource.name));
    poolId(ctx).ifPresent(pool -> CognitoUserPoolKind.cognito(ctx).deleteUserPoolClient(r -> r.userPoolId(pool).clientId(resource.id)));
  }

  private static Optional<String> poolId(StackContext ctx) {
    return ctx.previous(CognitoUserPoolKind.KIND, CognitoUserPoolKind.LOGICAL).map(r -> r.id);
  }

  private static List<String> sorted(List<String> values) {
    return values == null ? List.of() : values.stream().sorted().toList();
  }
}
