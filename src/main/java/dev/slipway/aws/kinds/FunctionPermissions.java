package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.FunctionSpec.TableAccess.Access;
import dev.slipway.api.v1alpha1.TopicSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.PolicyStatement;
import dev.slipway.aws.StackContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The grants a function declares in {@code functions[].permissions} and its own settings imply: the
 * named grants (Bedrock models, S3 buckets, its service's WebSocket connections), reviewed extra
 * statements, the ENI actions of a function in a VPC, X-Ray for active tracing, and the send to its
 * dead-letter target.
 */
final class FunctionPermissions {

  /** What the Sid of each declared statement starts with (its index follows). */
  static final String DECLARED_SID = "Declared";

  static final List<String> BEDROCK_INVOKE = List.of("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream");
  static final List<String> S3_READ = List.of("s3:GetObject");
  static final List<String> S3_WRITE = List.of("s3:DeleteObject", "s3:GetObject", "s3:PutObject");
  static final List<String> MANAGE_CONNECTIONS = List.of("execute-api:ManageConnections");
  // What Lambda needs to attach a function to a VPC; EC2 does not scope these to a resource.
  static final List<String> VPC_ENI =
      List.of(
          "ec2:AssignPrivateIpAddresses",
          "ec2:CreateNetworkInterface",
          "ec2:DeleteNetworkInterface",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeSubnets",
          "ec2:UnassignPrivateIpAddresses");

  // X-Ray does not scope these to a resource.
  static final List<String> XRAY = List.of("xray:PutTelemetryRecords", "xray:PutTraceSegments");

  private FunctionPermissions() {}

  static List<PolicyStatement> statements(StackContext ctx, PolicyStatement.Scope scope, FunctionSpec function) {
    List<PolicyStatement> statements = new ArrayList<>();
    FunctionSpec.Permissions p = function.permissions;
    if (p != null) {
      if (p.bedrockInvoke != null) {
        List<String> models = p.bedrockInvoke.models.stream()
            .map(m -> m.startsWith("arn:") ? m : "arn:" + scope.partition() + ":bedrock:" + scope.region() + "::foundation-model/" + m)
            .toList();
        statements.add(new PolicyStatement("BedrockInvoke", BEDROCK_INVOKE, models));
      }
      if (Boolean.TRUE.equals(p.webSocketManageConnections) && ctx.spec().webSocketApi != null) {
        // The API's id does not exist yet when the role is made (the API needs the function first):
        // the grant is bounded by the stage and the @connections path instead.
        statements.add(new PolicyStatement("WebSocketManageConnections", MANAGE_CONNECTIONS,
            List.of(scope.arn("execute-api", "*/" + ctx.spec().webSocketApi.stageName + "/*/@connections/*"))));
      }
      List<String> read = new ArrayList<>();
      List<String> write = new ArrayList<>();
      List<String> buckets = new ArrayList<>();
      for (FunctionSpec.S3Access s3 : p.s3) {
        String bucket = "arn:" + scope.partition() + ":s3:::" + s3.bucket;
        (s3.access == Access.ReadOnly ? read : write).add(bucket + "/" + (s3.prefix == null ? "" : s3.prefix) + "*");
        buckets.add(bucket);
      }
      if (!read.isEmpty()) {
        statements.add(new PolicyStatement("S3Read", S3_READ, read));
      }
      if (!write.isEmpty()) {
        statements.add(new PolicyStatement("S3ReadWrite", S3_WRITE, write));
      }
      if (!buckets.isEmpty()) {
        statements.add(new PolicyStatement("S3List", List.of("s3:ListBucket"), buckets));
      }
      for (int i = 0; i < p.statements.size(); i++) {
        FunctionSpec.Statement s = p.statements.get(i);
        statements.add(new PolicyStatement(DECLARED_SID + i, s.actions, s.resources.contains("*") ? null : s.resources));
      }
    }
    if (function.vpc != null) {
      statements.add(new PolicyStatement("VpcNetworkInterfaces", VPC_ENI, null));
    }
    if (function.tracing == FunctionSpec.Tracing.Active) {
      statements.add(new PolicyStatement("XRayTracing", XRAY, null));
    }
    if (function.deadLetter != null && function.deadLetter.queueArn != null) {
      statements.add(new PolicyStatement("DeadLetterQueue", List.of("sqs:SendMessage"), List.of(function.deadLetter.queueArn)));
    } else if (function.deadLetter != null) {
      TopicSpec topic = SnsTopicKind.declared(ctx, function.deadLetter.topic, "function " + function.name + ", deadLetter");
      statements.add(new PolicyStatement("DeadLetterTopic", List.of("sns:Publish"), List.of(SnsTopicKind.arn(ctx, scope, topic))));
    }
    return statements;
  }

  /** Declared statements that would widen a role unnoticed, and grants that name nothing. */
  static List<String> validate(ServerlessServiceSpec spec) {
    List<String> problems = new ArrayList<>();
    for (FunctionSpec f : spec.functions) {
      FunctionSpec.Permissions p = f.permissions;
      if (p == null) {
        continue;
      }
      if (Boolean.TRUE.equals(p.webSocketManageConnections) && spec.webSocketApi == null) {
        problems.add("function " + f.name + " asks for webSocketManageConnections, but the service declares no webSocketApi");
      }
      for (FunctionSpec.Statement s : p.statements) {
        s.actions.stream().filter(a -> !a.matches("[a-zA-Z0-9-]+:[a-zA-Z0-9*]+"))
            .forEach(a -> problems.add("function " + f.name + ": " + a + " is not an IAM action (service:Action)"));
        if (wildcard(s) && !Boolean.TRUE.equals(s.allowWildcard)) {
          problems.add("function " + f.name + ": the statement on " + s.actions + " uses a wildcard; set allowWildcard: true if that is intended");
        }
      }
    }
    return problems;
  }

  /** Statements the user explicitly let use wildcards: worth a Warning event at every change. */
  static List<String> warnings(ServerlessServiceSpec spec) {
    List<String> warnings = new ArrayList<>();
    for (FunctionSpec f : spec.functions) {
      if (f.permissions != null) {
        f.permissions.statements.stream().filter(s -> wildcard(s) && Boolean.TRUE.equals(s.allowWildcard))
            .forEach(s -> warnings.add("function " + f.name + " is granted " + s.actions + " on " + s.resources + " with wildcards (allowWildcard)"));
      }
    }
    return warnings;
  }

  private static boolean wildcard(FunctionSpec.Statement s) {
    return s.actions.stream().anyMatch(a -> a.contains("*")) || s.resources.contains("*");
  }
}
