package dev.slipway.tenancy;

import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.api.v1alpha1.EventSourceSpec;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.api.v1alpha1.SlipwayTenancySpec;
import dev.slipway.api.v1alpha1.TopicSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a namespace's objects may reach beyond their own resources: CloudWatch namespaces, alarms by
 * name and SNS topics for its CanaryPolicies, SQS queues, the resources and identity actions of
 * extra role statements and SNS topics for its ServerlessServices. Without it, one
 * team's policy could read another team's metrics and alarms into its release's status, or publish
 * to any topic of the account (whose subscribers may be another team's functions); and one team's
 * function could read, or send into, any queue of the account, or be granted anything at all by a
 * statement of its own. The bounds of all tenancies that
 * select a namespace add up, as their internal targets do.
 */
public record PolicyBounds(
    List<String> metricNamespaces, List<String> alarmNames, List<String> topicArns, List<String> queueArns,
    List<String> policyResources, List<String> policyActions) {

  /** No tenancy: only the release's own function and service, no queue and no extra statement. */
  public static final PolicyBounds NONE = new PolicyBounds(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

  /** Services whose actions create, change or assume identities: a statement grants them only where policyActions lists them. */
  private static final List<String> IDENTITY_SERVICES = List.of("iam", "sts");

  public PolicyBounds {
    metricNamespaces = List.copyOf(metricNamespaces);
    alarmNames = List.copyOf(alarmNames);
    topicArns = List.copyOf(topicArns);
    queueArns = List.copyOf(queueArns);
    policyResources = List.copyOf(policyResources);
    policyActions = List.copyOf(policyActions);
  }

  static PolicyBounds of(Collection<SlipwayTenancySpec> tenancies) {
    return new PolicyBounds(
        union(tenancies, t -> t.metricNamespaces), union(tenancies, t -> t.alarmNames), union(tenancies, t -> t.topicArns),
        union(tenancies, t -> t.queueArns), union(tenancies, t -> t.policyResources), union(tenancies, t -> t.policyActions));
  }

  private static List<String> union(Collection<SlipwayTenancySpec> tenancies, Function<SlipwayTenancySpec, List<String>> field) {
    return tenancies.stream().map(field).filter(l -> l != null).flatMap(List::stream).distinct().toList();
  }

  /**
   * Why a release of {@code function} may not use {@code policy}, if it may not.
   *
   * @param ownAlarms the AWS names of the alarms the release's service declares (empty for a bare function)
   */
  public Optional<String> refusal(CanaryPolicySpec policy, String function, Collection<String> ownAlarms) {
    if (policy == null) {
      return Optional.empty();
    }
    List<String> refused = new ArrayList<>();
    List<CanaryPolicySpec.Metric> metrics = policy.analysis == null || policy.analysis.metrics == null ? List.of() : policy.analysis.metrics;
    for (CanaryPolicySpec.Metric m : metrics) {
      if (m.cloudWatch != null && !ofFunction(m.cloudWatch, function) && !anyMatches(metricNamespaces, m.cloudWatch.namespace)) {
        refused.add("check " + m.name + " reads CloudWatch namespace " + m.cloudWatch.namespace + " beyond the release's function"
            + " (no FunctionName dimension of {function}), which matches none of metricNamespaces " + metricNamespaces);
      }
      if (m.cloudWatchAlarms != null && m.cloudWatchAlarms.names != null) {
        for (String alarm : m.cloudWatchAlarms.names) {
          if (!ownAlarms.contains(alarm) && !anyMatches(alarmNames, alarm)) {
            refused.add("check " + m.name + " reads alarm " + alarm + ", which is not its service's and matches none of alarmNames " + alarmNames);
          }
        }
      }
    }
    topicRefusal(policy.notifications).ifPresent(refused::add);
    return refused.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", refused) + " (SlipwayTenancy of the namespace)");
  }

  /** Why {@code notifications} may not publish to their SNS topic, if they may not: one of another team would reach its subscribers. */
  public Optional<String> topicRefusal(CanaryPolicySpec.Notifications notifications) {
    String topic = notifications == null ? null : notifications.snsTopicArn;
    if (topic != null && !anyMatches(topicArns, topic)) {
      return Optional.of("notifications publish to " + topic + ", which matches none of topicArns " + topicArns);
    }
    return Optional.empty();
  }

  /**
   * Why a service of {@code spec} may not have what it asks for beyond its own resources (queues,
   * extra statements, a notifications topic), if it may not.
   */
  public Optional<String> serviceRefusal(ServerlessServiceSpec spec) {
    List<String> refused = new ArrayList<>(queueRefusals(spec));
    refused.addAll(statementRefusals(spec));
    topicRefusal(spec.notifications).ifPresent(refused::add);
    return refused.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", refused) + " (SlipwayTenancy of the namespace)");
  }

  /**
   * The extra statements of {@code spec}'s functions that may not be put into their roles, each
   * resource and action that may not (see {@link #beyond}).
   */
  private List<String> statementRefusals(ServerlessServiceSpec spec) {
    List<String> refused = new ArrayList<>();
    for (FunctionSpec f : spec.functions) {
      List<FunctionSpec.Statement> statements = f.permissions == null ? List.of() : f.permissions.statements;
      for (int i = 0; i < statements.size(); i++) {
        String where = "function " + f.name + ", permissions.statements[" + i + "]: ";
        beyond(statements.get(i).actions, statements.get(i).resources).forEach(b -> refused.add(where + b.message()));
      }
    }
    return refused;
  }

  /** Whether {@code spec} declares a role statement the namespace may not have. */
  public boolean refusesAStatement(ServerlessServiceSpec spec) {
    return !statementRefusals(spec).isEmpty();
  }

  /**
   * The fields of the tenancy ({@code policyResources}, {@code policyActions}) a role statement of
   * {@code actions} on {@code resources} falls outside; empty when the namespace may have it.
   */
  public List<String> statementBeyond(List<String> actions, List<String> resources) {
    return beyond(actions, resources).stream().map(Beyond::field).distinct().toList();
  }

  /** One resource or action of a statement the tenancy does not allow, and the field that would have to. */
  private record Beyond(String field, String message) {}

  /**
   * What of a statement the tenancy does not allow: each resource must fall within policyResources,
   * and each IAM or STS action within policyActions. (A statement has no NotAction or NotResource:
   * the CRD does not let one say them.)
   */
  private List<Beyond> beyond(List<String> actions, List<String> resources) {
    List<Beyond> beyond = new ArrayList<>();
    for (String resource : resources) {
      if (policyResources.stream().noneMatch(p -> Glob.covers(p, resource))) {
        beyond.add(new Beyond("policyResources", "resource " + resource + " falls within none of policyResources " + policyResources));
      }
    }
    for (String action : actions) {
      String lower = action.toLowerCase(Locale.ROOT);
      if (reachesIdentities(lower) && policyActions.stream().noneMatch(p -> Glob.covers(p.toLowerCase(Locale.ROOT), lower))) {
        beyond.add(new Beyond("policyActions", "action " + action + " changes or assumes identities and falls within none of policyActions " + policyActions));
      }
    }
    return beyond;
  }

  /**
   * Whether an action (lower case) can stand for an IAM or STS action: AWS reads wildcards in the
   * service part too, so {@code *}, {@code *:PassRole} and {@code i?m:CreateRole} reach IAM.
   */
  private static boolean reachesIdentities(String action) {
    int colon = action.indexOf(':');
    String service = colon < 0 ? action : action.substring(0, colon);
    return IDENTITY_SERVICES.stream().anyMatch(identity -> Glob.matches(service, identity));
  }

  /**
   * The SQS queues {@code spec} names but may not, each where it is named. Slipway creates no queue,
   * so each one is someone else's: a mapping would read it and the role would be granted receiving
   * from or sending to it, and a topic would deliver into it.
   */
  private List<String> queueRefusals(ServerlessServiceSpec spec) {
    List<String> refused = new ArrayList<>();
    for (FunctionSpec f : spec.functions) {
      for (EventSourceSpec e : f.events) {
        refuseQueue(refused, "function " + f.name + ", events", e.queueArn);
        if (e.onFailure != null) {
          refuseQueue(refused, "function " + f.name + ", events, onFailure", e.onFailure.queueArn);
        }
      }
      if (f.deadLetter != null) {
        refuseQueue(refused, "function " + f.name + ", deadLetter", f.deadLetter.queueArn);
      }
    }
    for (TopicSpec t : spec.topics) {
      for (TopicSpec.Subscription sub : t.subscriptions) {
        if (sub.protocol == TopicSpec.Protocol.sqs) {
          refuseQueue(refused, "topic " + t.name + ", subscription", sub.endpoint);
        }
      }
    }
    return refused;
  }

  /** Whether {@code spec} names a queue the namespace may not name. */
  public boolean refusesAQueue(ServerlessServiceSpec spec) {
    return !queueRefusals(spec).isEmpty();
  }

  /** Whether a service of the namespace may name the queue {@code queueArn}. */
  public boolean grantsQueue(String queueArn) {
    return anyMatches(queueArns, queueArn);
  }

  private void refuseQueue(List<String> refused, String where, String queueArn) {
    if (queueArn != null && !grantsQueue(queueArn)) {
      refused.add(where + ": queue " + queueArn + " matches none of queueArns " + queueArns);
    }
  }

  /** A metric of the release's own function: its FunctionName dimension names it (or the placeholder for it). */
  private static boolean ofFunction(CanaryPolicySpec.CloudWatchMetric m, String function) {
    String value = m.dimensions == null ? null : m.dimensions.get("FunctionName");
    return "{function}".equals(value) || (value != null && value.equals(function));
  }

  private static boolean anyMatches(List<String> patterns, String value) {
    return patterns.stream().anyMatch(p -> Glob.matches(p, value));
  }
}
