package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.AuthSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.Delta;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Lookups;
import dev.slipway.aws.Planned;
import dev.slipway.aws.Published;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AccountRecoverySettingType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.PasswordPolicyType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.RecoveryOptionType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolDescriptionType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolType;

/**
 * The service's Cognito user pool ({@code auth.userPoolName} or {@code <prefix>-users}): sign-in
 * attributes, password policy, account recovery, TOTP MFA and the hosted-UI domain. User pool ids
 * are generated, so the pool is found by the id status recorded, or as the one pool of its name.
 * The app clients are {@link CognitoUserPoolClientKind}'s.
 */
public final class CognitoUserPoolKind implements AwsResourceKind<CognitoUserPoolKind.Desired, CognitoUserPoolKind.Observed> {

  public static final String KIND = "CognitoUserPool";
  /** The pool's logical name: a service has one. */
  static final String LOGICAL = "users";
  public static final String POOL_ID = "auth.userPoolId";
  public static final String POOL_ARN = "auth.userPoolArn";
  public static final String ISSUER_URL = "auth.issuerUrl";
  public static final String DOMAIN_URL = "auth.domainUrl";
  private static final KindInfo INFO = KindInfo.recordedId(KIND, Set.of());

  /** What the spec wants; the lists are in Cognito's order-insensitive form (sorted). */
  public record Desired(
      String physicalName,
      List<String> usernameAttributes,
      List<String> autoVerifiedAttributes,
      String mfa,
      PasswordPolicyType passwordPolicy,
      AccountRecoverySettingType accountRecovery,
      String domainPrefix)
      implements DesiredResource {}

  /** DescribeUserPool's view of the pool and GetUserPoolMfaConfig's MFA setting. */
  public record Observed(UserPoolType pool, String mfa) {
    String id() {
      return pool.id();
    }
  }

  static CognitoIdentityProviderClient cognito(StackContext ctx) {
    return ctx.aws().client(CognitoIdentityProviderClient.class, CognitoIdentityProviderClient::builder);
  }

  @Override
  public KindInfo info() {
    return INFO;
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    AuthSpec auth = ctx.spec().auth;
    return auth == null ? List.of() : List.of(new Planned<>(this, LOGICAL, physicalName(ctx, auth), List.<String>of(), c -> desired(c, auth)));
  }

  static String physicalName(StackContext ctx, AuthSpec auth) {
    return auth.userPoolName != null ? auth.userPoolName : ctx.physicalName(LOGICAL);
  }

  private static Desired desired(StackContext ctx, AuthSpec auth) {
    AuthSpec.PasswordPolicy p = auth.passwordPolicy == null ? new AuthSpec.PasswordPolicy() : auth.passwordPolicy;
    PasswordPolicyType password = PasswordPolicyType.builder()
        .minimumLength(Objects.requireNonNullElse(p.minimumLength, 8))
        .requireLowercase(!Boolean.FALSE.equals(p.requireLowercase))
        .requireUppercase(!Boolean.FALSE.equals(p.requireUppercase))
        .requireNumbers(!Boolean.FALSE.equals(p.requireNumbers))
        .requireSymbols(!Boolean.FALSE.equals(p.requireSymbols))
        .temporaryPasswordValidityDays(Objects.requireNonNullElse(p.temporaryPasswordValidityDays, 7))
        .build();
    List<AuthSpec.Recovery> recovery = auth.accountRecovery.isEmpty() ? List.of(AuthSpec.Recovery.verified_email) : auth.accountRecovery;
    List<RecoveryOptionType> options = new ArrayList<>();
    for (int i = 0; i < recovery.size(); i++) {
      options.add(RecoveryOptionType.builder().name(recovery.get(i).name()).priority(i + 1).build());
    }
    return new Desired(
        physicalName(ctx, auth),
        sorted(auth.usernameAttributes.stream().map(Enum::name).toList()),
        sorted(auth.autoVerifiedAttributes.stream().map(Enum::name).toList()),
        (auth.mfa == null ? AuthSpec.Mfa.OFF : auth.mfa).name(),
        password,
        AccountRecoverySettingType.builder().recoveryMechanisms(options).build(),
        auth.domainPrefix);
  }

  /** By the recorded id while it still names this pool; otherwise by name among the region's pools. */
  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    CognitoIdentityProviderClient cognito = cognito(ctx);
    Optional<UserPoolType> recorded = ctx.previous(KIND, LOGICAL).map(r -> r.id)
        .flatMap(id -> AwsErrors.unlessNotFound(() -> cognito.describeUserPool(r -> r.userPoolId(id)).userPool()))
        .filter(p -> d.physicalName().equals(p.name()));
    return recorded.or(() -> find(ctx, d.physicalName()))
        .map(pool -> new Observed(pool, cognito.getUserPoolMfaConfig(r -> r.userPoolId(pool.id())).mfaConfigurationAsString()));
  }

  private static Optional<UserPoolType> find(StackContext ctx, String name) {
    CognitoIdentityProviderClient cognito = cognito(ctx);
    List<UserPoolType> named = cognito.listUserPoolsPaginator(r -> r.maxResults(60)).userPools().stream()
        .filter(p -> name.equals(p.name()))
        .map(UserPoolDescriptionType::id)
        .map(id -> cognito.describeUserPool(r -> r.userPoolId(id)).userPool())
        .toList();
    // A duplicate pool is untouched while it has no domain and no client.
    Lookups.Duplicates<UserPoolType> duplicates = new Lookups.Duplicates<>(UserPoolType::creationDate,
        p -> p.domain() == null && cognito.listUserPoolClients(r -> r.userPoolId(p.id()).maxResults(1)).userPoolClients().isEmpty(),
        p -> cognito.deleteUserPool(r -> r.userPoolId(p.id())));
    return Lookups.unique(ctx, named, UserPoolType::userPoolTags, "user pool", name, duplicates);
  }

  /** Sign-in attributes (fixed from now on), policies and tags at creation; MFA and the domain follow as steps. */
  @Override
  public Observed create(StackContext ctx, Desired d) {
    UserPoolType pool = cognito(ctx).createUserPool(r -> r
        .poolName(d.physicalName())
        .usernameAttributesWithStrings(d.usernameAttributes())
        .autoVerifiedAttributesWithStrings(d.autoVerifiedAttributes())
        .policies(p -> p.passwordPolicy(d.passwordPolicy()))
        .accountRecoverySetting(d.accountRecovery())
        .mfaConfiguration("OFF")
        .userPoolTags(ctx.tags())).userPool();
    return new Observed(pool, "OFF");
  }

  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    CognitoIdentityProviderClient cognito = cognito(ctx);
    UserPoolType pool = o.pool();
    String id = o.id();
    List<Step> steps = new ArrayList<>();
    Delta settings = Delta.builder()
        .compare("autoVerifiedAttributes", d.autoVerifiedAttributes(), sorted(pool.autoVerifiedAttributesAsStrings()))
        .compare("passwordPolicy", d.passwordPolicy(), pool.policies() == null ? null : pool.policies().passwordPolicy())
        .compare("accountRecovery", d.accountRecovery(), pool.accountRecoverySetting())
        .build();
    if (!settings.isEmpty()) {
      // UpdateUserPool resets what it is not given: it gets the pool's MFA and tags as they are, which their own steps change.
      steps.add(new Step(settings.differences(), () -> cognito.updateUserPool(r -> r
          .userPoolId(id)
          .autoVerifiedAttributesWithStrings(d.autoVerifiedAttributes())
          .policies(p -> p.passwordPolicy(d.passwordPolicy()))
          .accountRecoverySetting(d.accountRecovery())
          .mfaConfiguration(o.mfa())
          .userPoolTags(pool.userPoolTags()))));
    }
    if (!d.mfa().equals(o.mfa())) {
      steps.add(new Step("mfa", d.mfa(), o.mfa(), () -> cognito.setUserPoolMfaConfig(r -> r
          .userPoolId(id)
          .softwareTokenMfaConfiguration(t -> t.enabled(!"OFF".equals(d.mfa())))
          .mfaConfiguration(d.mfa()))));
    }
    if (!Objects.equals(d.domainPrefix(), pool.domain())) {
      steps.add(new Step("domainPrefix", d.domainPrefix(), pool.domain(), () -> {
        if (pool.domain() != null) {
          cognito.deleteUserPoolDomain(r -> r.userPoolId(id).domain(pool.domain()));
        }
        if (d.domainPrefix() != null) {
          // Domains are unique across AWS; moto gives a taken one to the newest pool where AWS refuses.
          var taken = cognito.describeUserPoolDomain(r -> r.domain(d.domainPrefix())).domainDescription();
          String holder = taken == null ? null : taken.userPoolId();
          if (holder != null && !holder.equals(id)) {
            throw SlipwayException.terminal("DomainTaken", "the hosted-UI domain " + d.domainPrefix() + " belongs to user pool " + holder
                + ": choose another auth.domainPrefix");
          }
          cognito.createUserPoolDomain(r -> r.userPoolId(id).domain(d.domainPrefix()));
        }
      }));
    }
    return steps;
  }

  @Override
  public Map<String, String> tags(Observed o) {
    return o.pool().userPoolTags();
  }

  @Override
  public void retag(StackContext ctx, Observed o, Map<String, String> set, Collection<String> remove) {
    CognitoIdentityProviderClient cognito = cognito(ctx);
    if (!remove.isEmpty()) {
      cognito.untagResource(r -> r.resourceArn(o.pool().arn()).tagKeys(remove));
    }
    if (!set.isEmpty()) {
      cognito.tagResource(r -> r.resourceArn(o.pool().arn()).tags(set));
    }
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    Published.Builder published = Published.of(o.id())
        .output(POOL_ID, o.id())
        .output(POOL_ARN, o.pool().arn())
        // The AWS form of the URLs, also against an emulator: it is what clients use in AWS.
        .output(ISSUER_URL, "https://cognito-idp." + ctx.region() + ".amazonaws.com/" + o.id());
    if (d.domainPrefix() != null) {
      published.output(DOMAIN_URL, "https://" + d.domainPrefix() + ".auth." + ctx.region() + ".amazoncognito.com");
    }
    return published.build();
  }

  /** Reading a missing pool is NotFound, which the runtime takes as gone. */
  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    return Optional.of(cognito(ctx).describeUserPool(r -> r.userPoolId(resource.id)).userPool().userPoolTags());
  }

  /** The hosted-UI domain goes first: Cognito refuses to delete a pool that still has one. */
  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    CognitoIdentityProviderClient cognito = cognito(ctx);
    String domain = cognito.describeUserPool(r -> r.userPoolId(resource.id)).userPool().domain();
    if (domain != null) {
      cognito.deleteUserPoolDomain(r -> r.userPoolId(resource.id).domain(domain));
    }
    cognito.deleteUserPool(r -> r.userPoolId(resource.id));
  }

  @Override
  public List<String> validate(ServerlessServiceSpec spec) {
    if (spec.auth != null && spec.auth.accountRecovery.contains(AuthSpec.Recovery.admin_only) && spec.auth.accountRecovery.size() > 1) {
      return List.of("auth.accountRecovery: admin_only cannot be combined with other recovery options");
    }
    return List.of();
  }

  private static List<String> sorted(List<String> values) {
    return values == null ? List.of() : values.stream().sorted().toList();
  }
}
