package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the namespaces a tenancy selects may do. Patterns are globs: {@code *} matches any run of
 * characters (also none), {@code ?} exactly one; everything else matches itself. Accounts and
 * regions are not checked by CEL rules (their cost over lists of strings exceeds the API server's
 * budget): a malformed entry simply matches nothing.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "(has(self.namespaces) && size(self.namespaces) > 0) || (has(self.namespaceSelector) && has(self.namespaceSelector.matchLabels) && size(self.namespaceSelector.matchLabels) > 0)",
    message = "select namespaces by namespaces (names or patterns) or namespaceSelector.matchLabels",
    reason = "FieldValueRequired")
public class SlipwayTenancySpec {

  /** Names (or glob patterns) of the namespaces this tenancy applies to. */
  @Size(max = 256)
  @JsonPropertyDescription("Namespaces this tenancy applies to, by name or glob pattern (team-a, team-a-*).")
  public List<String> namespaces = new ArrayList<>();

  /** Namespaces this tenancy applies to by their labels, in addition to {@link #namespaces}. */
  @JsonPropertyDescription(
      "Namespaces this tenancy applies to by their labels, in addition to namespaces. A namespace is selected when it"
          + " carries every label of matchLabels; an empty selector selects nothing.")
  public NamespaceSelector namespaceSelector;

  /** Role ARNs (glob patterns) that objects in the selected namespaces may name in {@code spec.roleArn}. */
  @Size(max = 256)
  @JsonPropertyDescription(
      "Role ARNs, or glob patterns of them (arn:aws:iam::123456789012:role/team-a-*), that objects in the selected"
          + " namespaces may name in spec.roleArn. Empty: no roleArn is allowed.")
  public List<String> roleArns = new ArrayList<>();

  /** The AWS accounts those roles (and functions named by ARN) may belong to; empty means any account. */
  @Size(max = 256)
  @JsonPropertyDescription(
      "AWS accounts (12 digits) that roles and functions named by ARN must belong to. Empty: any account the"
          + " roleArns patterns allow.")
  public List<String> accounts = new ArrayList<>();

  /** The regions objects in the selected namespaces may use; empty means any region. */
  @Size(max = 64)
  @JsonPropertyDescription("Regions objects in the selected namespaces may use (us-east-1). Empty: any region.")
  public List<String> regions = new ArrayList<>();

  /** The ExternalId passed to STS when assuming one of {@link #roleArns}. */
  @Size(min = 2, max = 1224)
  @Pattern("^[\\w+=,.@:/-]+$")
  @JsonPropertyDescription(
      "ExternalId passed to sts:AssumeRole for the roles this tenancy allows, for trust policies that require one"
          + " (sts:ExternalId). Never shown in status or events.")
  public String externalId;

  /** Whether the selected namespaces may also use the operator's own identity (no roleArn). */
  @JsonPropertyDescription(
      "Whether objects in the selected namespaces may use the operator's own AWS identity (no roleArn). Default true;"
          + " false makes roleArn mandatory there.")
  public Boolean allowOperatorIdentity;

  /** Functions a {@code functionName} LambdaRelease in the selected namespaces may release to. */
  @Size(max = 256)
  @JsonPropertyDescription(
      "Names, or glob patterns of names (team-a-*), of the functions a LambdaRelease with functionName may release"
          + " to; a functionName given as an ARN is matched by its function name. Empty: no functionName release."
          + " Releases of a ServerlessService's function need no entry here.")
  public List<String> functionNames = new ArrayList<>();

  /** Internal address ranges that HTTP analysis checks and Slack webhooks of the selected namespaces may reach. */
  @Size(max = 64)
  @JsonPropertyDescription(
      "Internal address ranges (CIDR: 10.20.0.0/16, fd00::/8; or single addresses) that HTTP analysis checks and"
          + " Slack and JSON webhooks of the selected namespaces may reach. By default loopback, link-local (the instance"
          + " metadata service), private and other internal addresses are refused; the host is resolved and every"
          + " address checked at each request.")
  public List<String> internalTargets = new ArrayList<>();

  /** CloudWatch namespaces whose metrics CanaryPolicies of the selected namespaces may read in cloudWatch checks. */
  @Size(max = 64)
  @JsonPropertyDescription(
      "CloudWatch namespaces, or glob patterns (MyTeam/*), whose metrics cloudWatch checks of the selected namespaces'"
          + " CanaryPolicies may read. A check of the release's own function (a FunctionName dimension of {function}, or its"
          + " name) needs no entry here; any other is refused: the release fails NotPermitted before traffic moves.")
  public List<String> metricNamespaces = new ArrayList<>();

  /** CloudWatch alarms that CanaryPolicies of the selected namespaces may gate on by AWS name. */
  @Size(max = 64)
  @JsonPropertyDescription(
      "CloudWatch alarm names, or glob patterns (team-a-*), that cloudWatchAlarms.names of the selected namespaces'"
          + " CanaryPolicies may read. The alarms of the release's own ServerlessService (serviceAlarms, or their AWS names)"
          + " need no entry here; any other is refused: the release fails NotPermitted before traffic moves.")
  public List<String> alarmNames = new ArrayList<>();

  /** SNS topics that release and service notifications of the selected namespaces may publish to. */
  @Size(max = 64)
  @JsonPropertyDescription(
      "SNS topic ARNs, or glob patterns (arn:aws:sns:*:123456789012:team-a-*), that notifications.snsTopicArn of the"
          + " selected namespaces' CanaryPolicies and ServerlessServices may publish to. Empty: no SNS notification; a release"
          + " whose policy names another topic fails NotPermitted before traffic moves, and a service that does is NotPermitted.")
  public List<String> topicArns = new ArrayList<>();

  /**
   * SQS queues that ServerlessServices of the selected namespaces may name. Slipway creates no queue,
   * so every queue ARN in a service is another owner's queue its functions would get access to; as
   * with {@link #topicArns}, none is allowed by default.
   */
  @Size(max = 64)
  @JsonPropertyDescription(
      "SQS queue ARNs, or glob patterns (arn:aws:sqs:*:123456789012:team-a-*), that ServerlessServices of the selected"
          + " namespaces may name: functions[].events[].queueArn and events[].onFailure.queueArn, functions[].deadLetter.queueArn"
          + " and the endpoint of an sqs subscription of a topic. The function's role is granted access to exactly the"
          + " queues named. Empty: no queue; a service naming one fails NotPermitted before any AWS call.")
  public List<String> queueArns = new ArrayList<>();

  /**
   * Resources that the extra statements of the selected namespaces' functions may name. Those
   * statements are put into execution roles by the operator: without this bound, a namespace could
   * grant its function any table, queue or secret of the account, whatever else this tenancy grants.
   */
  @Size(max = 64)
  @JsonPropertyDescription(
      "Resource ARNs, or glob patterns (arn:aws:dynamodb:*:123456789012:table/team-a-*), that the extra statements of"
          + " the selected namespaces' functions (functions[].permissions.statements[].resources) may name. A resource given"
          + " with wildcards must fall wholly within a pattern; Resource \"*\" needs the pattern \"*\". Empty: no statement;"
          + " a service declaring one fails NotPermitted before any AWS call.")
  public List<String> policyResources = new ArrayList<>();

  /**
   * IAM and STS actions that those statements may grant. They let a function make or assume other
   * identities (iam:PassRole, iam:PutRolePolicy, sts:AssumeRole...), so they are refused unless listed.
   */
  @Size(max = 64)
  @JsonPropertyDescription(
      "IAM and STS actions, or glob patterns (sts:AssumeRole, iam:Get*), that the extra statements of the selected"
          + " namespaces' functions may grant, matched case-insensitively. Those actions let a function create, change or"
          + " assume other identities, so any other iam: or sts: action is refused (NotPermitted) even on a resource"
          + " policyResources allows; so is an action whose service part is a wildcard that reaches them (*, *:PassRole)."
          + " Other services' actions need no entry here.")
  public List<String> policyActions = new ArrayList<>();

  /** Selects namespaces by labels. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class NamespaceSelector {
    /** Labels a namespace must all carry to be selected. */
    @JsonPropertyDescription("Labels a namespace must all carry (key: value) to be selected.")
    public Map<String, String> matchLabels = new LinkedHashMap<>();
  }
}
