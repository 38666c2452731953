package dev.slipway.tenancy;

import dev.slipway.api.v1alpha1.SlipwayTenancy;
import dev.slipway.api.v1alpha1.SlipwayTenancySpec;
import dev.slipway.aws.AwsTarget;
import dev.slipway.net.OutboundPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides, from the SlipwayTenancies and a namespace's labels alone (no AWS call, no API call),
 * whether an object may make the AWS calls it asks for, and with which STS session.
 *
 * <p>A namespace no tenancy selects gets the default: the operator's own identity in any region,
 * no {@code roleArn}, no {@code functionName} release. A namespace some tenancies select may do what
 * one of them allows as a whole (identity, region and function under the same tenancy); that
 * tenancy's ExternalId goes with the role. Tenancies are tried in name order, so the choice is stable.
 */
public final class TenancyRules {

  /** What one object asks for: its AWS identity, region and, for a functionName release, the function. */
  public record Request(String kind, String namespace, String name, String region, String roleArn, String functionName) {}

  /** Either the target to use or why there is none. */
  public sealed interface Verdict permits Permitted, Refused {}

  /**
   * The object may go on, with exactly this target (and its STS session); its HTTP checks and
   * webhooks may reach the internal ranges every tenancy of the namespace lists, together, and its
   * policies may read and publish to what they list together ({@code bounds}).
   */
  public record Permitted(AwsTarget target, OutboundPolicy outbound, PolicyBounds bounds) implements Verdict {}

  /** The object makes no AWS call: {@code message} says what was refused and what the tenancies allow. */
  public record Refused(String message) implements Verdict {}

  private TenancyRules() {}

  public static Verdict decide(Collection<SlipwayTenancy> tenancies, Map<String, String> namespaceLabels, Request r) {
    List<SlipwayTenancy> selecting = selecting(tenancies, r.namespace(), namespaceLabels);
    if (selecting.isEmpty()) {
      if (r.roleArn() != null) {
        return new Refused(subject(r) + " may not assume " + r.roleArn() + ": no SlipwayTenancy selects namespace " + r.namespace()
            + ", so it may use only the operator's own identity");
      }
      if (r.functionName() != null) {
        return new Refused(subject(r) + " may not release to function " + r.functionName() + ": no SlipwayTenancy selects namespace "
            + r.namespace() + ", so it may release only the functions of its ServerlessServices");
      }
      return new Permitted(new AwsTarget(r.region(), Optional.empty()), OutboundPolicy.publicOnly(), PolicyBounds.NONE);
    }
    OutboundPolicy outbound = OutboundPolicy.allowing(selecting.stream()
        .flatMap(t -> t.getSpec().internalTargets == null ? java.util.stream.Stream.<String>empty() : t.getSpec().internalTargets.stream())
        .toList());
    PolicyBounds bounds = PolicyBounds.of(selecting.stream().map(SlipwayTenancy::getSpec).toList());
    List<String> reasons = new ArrayList<>();
    for (SlipwayTenancy t : selecting) {
      Optional<String> refusal = refusal(t.getSpec(), r);
      if (refusal.isEmpty()) {
        return new Permitted(target(t.getSpec(), r), outbound, bounds);
      }
      reasons.add("SlipwayTenancy " + t.getMetadata().getName() + ": " + refusal.get());
    }
    return new Refused(subject(r) + " is not permitted: " + String.join("; ", reasons));
  }

  /** The tenancies that select {@code namespace}, in name order. */
  public static List<SlipwayTenancy> selecting(Collection<SlipwayTenancy> tenancies, String namespace, Map<String, String> labels) {
    return tenancies.stream()
        .filter(t -> t.getSpec() != null && selects(t.getSpec(), namespace, labels == null ? Map.of() : labels))
        .sorted(Comparator.comparing(t -> t.getMetadata().getName()))
        .toList();
  }

  static boolean selects(SlipwayTenancySpec t, String namespace, Map<String, String> labels) {
    if (t.namespaces != null && t.namespaces.stream().anyMatch(p -> Glob.matches(p, namespace))) {
      return true;
    }
    var selector = t.namespaceSelector;
    return selector != null && selector.matchLabels != null && !selector.matchLabels.isEmpty()
        && selector.matchLabels.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  private static Optional<String> refusal(SlipwayTenancySpec t, Request r) {
    if (!isEmpty(t.regions) && !t.regions.contains(r.region())) {
      return Optional.of("region " + r.region() + " is not one of " + t.regions);
    }
    if (r.roleArn() == null) {
      if (Boolean.FALSE.equals(t.allowOperatorIdentity)) {
        return Optional.of("the operator's own identity is not allowed here; name one of the roleArns " + t.roleArns);
      }
    } else {
      if (isEmpty(t.roleArns) || t.roleArns.stream().noneMatch(p -> Glob.matches(p, r.roleArn()))) {
        return Optional.of("roleArn " + r.roleArn() + " matches none of " + (isEmpty(t.roleArns) ? "[] (no roleArn allowed)" : t.roleArns));
      }
      Optional<String> account = arnPart(r.roleArn(), 4);
      if (!isEmpty(t.accounts) && (account.isEmpty() || !t.accounts.contains(account.get()))) {
        return Optional.of("account " + account.orElse("?") + " of roleArn " + r.roleArn() + " is not one of " + t.accounts);
      }
    }
    if (r.functionName() != null) {
      FunctionRef fn = FunctionRef.parse(r.functionName());
      if (isEmpty(t.functionNames) || t.functionNames.stream().noneMatch(p -> Glob.matches(p, fn.name()))) {
        return Optional.of("function " + fn.name() + " matches none of " + (isEmpty(t.functionNames) ? "[] (no functionName release allowed)" : t.functionNames));
      }
      if (fn.account().isPresent() && !isEmpty(t.accounts) && !t.accounts.contains(fn.account().get())) {
        return Optional.of("account " + fn.account().get() + " of function " + r.functionName() + " is not one of " + t.accounts);
      }
      if (fn.region().isPresent() && !fn.region().get().equals(r.region())) {
        return Optional.of("function " + r.functionName() + " is in " + fn.region().get() + ", not in the release's region " + r.region());
      }
    }
    return Optional.empty();
  }

  private static AwsTarget target(SlipwayTenancySpec t, Request r) {
    if (r.roleArn() == null) {
      return new AwsTarget(r.region(), Optional.empty());
    }
    return new AwsTarget(r.region(), Optional.of(new AwsTarget.AssumedRole(
        r.roleArn(),
        Optional.ofNullable(t.externalId),
        SessionNames.of(r.kind(), r.namespace(), r.name()),
        SessionNames.tags(r.kind(), r.namespace(), r.name()))));
  }

  private static String subject(Request r) {
    return r.kind() + " " + r.namespace() + "/" + r.name();
  }

  private static boolean isEmpty(List<?> l) {
    return l == null || l.isEmpty();
  }

  /** Part {@code i} of an ARN ({@code arn:partition:service:region:account:...}), when present and not empty. */
  public static Optional<String> arnPart(String arn, int i) {
    String[] parts = arn.split(":", -1);
    return parts.length > i && parts[0].equals("arn") && !parts[i].isEmpty() ? Optional.of(parts[i]) : Optional.empty();
  }

  /**
   * A function as LambdaRelease.functionName may give it: a name ({@code my-fn}), a partial ARN
   * ({@code 123456789012:function:my-fn}) or a full ARN, each optionally with a {@code :qualifier}.
   */
  public record FunctionRef(String name, Optional<String> account, Optional<String> region) {
    /** Parses any of the three forms; a qualifier is dropped. */
    public static FunctionRef parse(String s) {
      String[] p = s.split(":", -1);
      if (p.length >= 7 && p[0].equals("arn") && p[5].equals("function")) {
        return new FunctionRef(p[6], Optional.of(p[4]).filter(a -> !a.isEmpty()), Optional.of(p[3]).filter(a -> !a.isEmpty()));
      }
      if (p.length >= 3 && p[1].equals("function")) {
        return new FunctionRef(p[2], Optional.of(p[0]), Optional.empty());
      }
      return new FunctionRef(p[0], Optional.empty(), Optional.empty());
    }
  }
}
