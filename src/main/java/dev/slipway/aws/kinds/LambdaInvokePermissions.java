package dev.slipway.aws.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.Hashes;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.ArrayList;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.Comparator;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;

/**
 * The {@code lambda:InvokeFunction} grants an AWS service needs on the stage aliases of the functions
 * it invokes: API Gateway for the REST and WebSocket APIs' routes, SNS for lambda subscriptions. Each
 * grant is one resource-policy statement whose id Slipway derives from the granting resource (kind
 * and name) and the route, so the policy itself is the record of what that resource owns: grants can
 * be compared, re-added and removed without any state kept elsewhere, and statements of other
 * resources or people are left alone.
 */
final class LambdaInvokePermissions {

  static final String API_GATEWAY = "apigateway.amazonaws.com";
  static final String SNS = "sns.amazonaws.com";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One statement: API Gateway calls from {@code sourceArn} may invoke the alias. */
  record Grant(String aliasArn, String statementId, String sourceArn) {}

  /** A qualified function ARN taken apart: {@code arn:aws:lambda:<region>:<account>:function:<name>:<alias>}. */
  record AliasArn(String arn, String region, String account, String function, String alias) {
    static AliasArn parse(String arn) {
      String[] p = arn.split(":");
      if (p.length != 8 || !"lambda".equals(p[2]) || !"function".equals(p[5])) {
        throw SlipwayException.terminal("InvalidAliasArn", "not a Lambda alias ARN: " + arn);
      }
      return new AliasArn(arn, p[3], p[4], p[6], p[7]);
    }
  }

  private final String statementPrefix;
  private final String principal;

  /** The grants of one resource to {@code principal}; their statement ids all start with a hash of kind and name. */
  LambdaInvokePermissions(String kind, String name, String principal) {
    this.statementPrefix = "slipway-" + shortHash(kind + "/" + name) + "-";
    this.principal = principal;
  }

  /** The grant for one route: {@code routeKey} identifies the route within the API. */
  Grant grant(String aliasArn, String routeKey, String sourceArn) {
    return new Grant(aliasArn, statementPrefix + shortHash(routeKey), sourceArn);
  }

  /** {@code arn:aws:execute-api:<region>:<account>:<apiId>/<rest>}, the account taken from the alias. */
  static String executeApiArn(String aliasArn, String apiId, String rest) {
    AliasArn a = AliasArn.parse(aliasArn);
    return "arn:aws:execute-api:" + a.region() + ":" + a.account() + ":" + apiId + "/" + rest;
  }

  /** The integration URI through which API Gateway invokes the alias. */
  static String invocationUri(String region, String aliasArn) {
    return "arn:aws:apigateway:" + region + ":lambda:path/2015-03-31/functions/" + aliasArn + "/invocations";
  }

  /**
   * The stage aliases of the service's functions this reconcile knows: published by the Lambda kind
   * in this run, or recorded in status by an earlier one (when deleting, nothing is published).
   * Grants are looked for on all of them, so a route moved to another function leaves no grant behind.
   */
  static Set<String> knownAliases(StackContext ctx) {
    Set<String> aliases = new TreeSet<>();
    for (FunctionSpec f : ctx.spec().functions) {
      ctx.findOutput(Outputs.aliasArn(f.name)).ifPresent(aliases::add);
    }
    ctx.previousFunctions().stream().map(s -> s.aliasArn).filter(Objects::nonNull).forEach(aliases::add);
    return aliases;
  }

  /**
   * This API's statements on the given aliases, as they were when this reconcile first read them; a
   * missing function or policy has none. The REST and WebSocket APIs read the same alias policies:
   * one read each per reconcile, each API then keeps to its own statements.
   */
  Set<Grant> observe(StackContext ctx, Collection<String> aliasArns) {
    LambdaClient lambda = ctx.aws().lambda();
    Set<Grant> found = sorted();
    for (String aliasArn : aliasArns) {
      AliasArn a = AliasArn.parse(aliasArn);
      Optional<String> policy = ctx.sharedRead("lambda policy " + aliasArn,
          () -> AwsErrors.unlessNotFound(() -> lambda.getPolicy(r -> r.functionName(a.function()).qualifier(a.alias())).policy()));
      if (policy.isEmpty()) {
        continue;
      }
      for (JsonNode s : parse(policy.get()).path("Statement")) {
        String sid = s.path("Sid").asText();
        // Filtering on Resource too: some emulators return every qualifier's statements.
        if (sid.startsWith(statementPrefix) && aliasArn.equals(s.path("Resource").asText())) {
          found.add(new Grant(aliasArn, sid, s.path("Condition").path("ArnLike").path("AWS:SourceArn").asText(null)));
        }
      }
    }
    return found;
  }

  /** What turns the observed grants into the desired ones: removals first, so a changed source ARN is replaced. */
  List<Step> steps(LambdaClient lambda, Set<Grant> desired, Set<Grant> observed) {
    List<Step> steps = new ArrayList<>();
    observed.stream().filter(g -> !desired.contains(g))
        .forEach(g -> steps.add(new Step("permission " + g.statementId(), null, g.sourceArn(), () -> revoke(lambda, List.of(g)))));
    desired.stream().filter(g -> !observed.contains(g))
        .forEach(g -> steps.add(new Step("permission " + g.statementId(), g.sourceArn(), null, () -> add(lambda, g))));
    return steps;
  }

  private void add(LambdaClient lambda, Grant g) {
    AliasArn a = AliasArn.parse(g.aliasArn());
    try {
      lambda.addPermission(
          r -> r.functionName(a.function())
              .qualifier(a.alias())
              .statementId(g.statementId())
              .action("lambda:InvokeFunction")
              .principal(principal)
              .sourceArn(g.sourceArn()));
    } catch (ResourceConflictException alreadyThere) {
      // The statement id exists: written meanwhile by a concurrent reconcile of this same API.
    }
  }

  /** Removes the given grants; a grant or function already gone counts as removed. */
  static void revoke(LambdaClient lambda, Collection<Grant> grants) {
    for (Grant g : grants) {
      AliasArn a = AliasArn.parse(g.aliasArn());
      try {
        lambda.removePermission(r -> r.functionName(a.function()).qualifier(a.alias()).statementId(g.statementId()));
      } catch (RuntimeException e) {
        if (!AwsErrors.isNotFound(e)) {
          throw e;
        }
      }
    }
  }

  /** Grants in a stable order, so deltas and calls come out the same on every run. */
  static Set<Grant> sorted() {
    return new TreeSet<>(Comparator.comparing(Grant::aliasArn).thenComparing(Grant::statementId).thenComparing(g -> String.valueOf(g.sourceArn())));
  }

  static Set<Grant> sorted(Collection<Grant> grants) {
    Set<Grant> s = sorted();
    s.addAll(grants);
    return s;
  }

  /** Short, stable ids and fingerprints. */
  static String shortHash(String text) {
    return Hashes.shortSha256(text);
  }


  private static JsonNode parse(String policy) {
    try {
      return JSON.readTree(policy);
    } catch (IOException e) {
      throw SlipwayException.retryable("UnreadablePolicy", "cannot parse a Lambda resource policy: " + e.getMessage());
    }
  }
}
