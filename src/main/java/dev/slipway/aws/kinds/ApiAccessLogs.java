package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.AccessLogSpec;
import dev.slipway.api.v1alpha1.FunctionDefaults;
import dev.slipway.aws.AwsErrors;
import dev.slipway.aws.Planned;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Tags;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * Access logging of the API stages: the log group each API writes to (made by {@link LogGroupKind}),
 * the default line formats, and the account's API Gateway CloudWatch role that REST access logs need.
 */
final class ApiAccessLogs {

  /** The REST API's and the WebSocket API's access logs, as {@link LogGroupKind} plans them. */
  enum Api {
    REST("api", "api.access-log"),
    WEBSOCKET("ws", "websocket.access-log");

    /** The part of the group's name after the service's prefix. */
    final String suffix;
    /** The group's logical name: a dot keeps it apart from every function's name. */
    final String logical;

    Api(String suffix, String logical) {
      this.suffix = suffix;
      this.logical = logical;
    }

    String groupName(StackContext ctx) {
      return PREFIX + ctx.physicalName(suffix);
    }

    /** The destination a stage names: the group's ARN without the {@code :*} of its streams. */
    String groupArn(StackContext ctx) {
      return ctx.scope().arn("logs", "log-group:" + groupName(ctx));
    }

    String dependency() {
      return Planned.key(LogGroupKind.KIND, logical);
    }
  }

  static final String PREFIX = "/aws/apigateway/";

  static final String REST_FORMAT = "{\"requestId\":\"$context.requestId\",\"ip\":\"$context.identity.sourceIp\","
      + "\"requestTime\":\"$context.requestTime\",\"httpMethod\":\"$context.httpMethod\",\"resourcePath\":\"$context.resourcePath\","
      + "\"status\":\"$context.status\",\"protocol\":\"$context.protocol\",\"responseLength\":\"$context.responseLength\","
      + "\"integrationError\":\"$context.integrationErrorMessage\"}";

  static final String WEBSOCKET_FORMAT = "{\"requestId\":\"$context.requestId\",\"ip\":\"$context.identity.sourceIp\","
      + "\"requestTime\":\"$context.requestTime\",\"routeKey\":\"$context.routeKey\",\"eventType\":\"$context.eventType\","
      + "\"connectionId\":\"$context.connectionId\",\"status\":\"$context.status\",\"integrationError\":\"$context.integrationErrorMessage\"}";

  /**
   * The role API Gateway writes REST access logs with. It is one per account, named by the account's
   * API Gateway settings: Slipway sets those only while they name no role, so a role another stack
   * (or a platform team) put there is never replaced.
   */
  static final String CLOUDWATCH_ROLE = "slipway-apigateway-cloudwatch";
  static final String CLOUDWATCH_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs";
  private static final String TRUST = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
      + "\"Principal\":{\"Service\":\"apigateway.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";

  /** A stage's access log settings as Slipway wants them. */
  record Settings(String destinationArn, String format) {}

  private ApiAccessLogs() {}

  static Settings settings(StackContext ctx, AccessLogSpec spec, Api api) {
    if (spec == null) {
      return null;
    }
    String format = spec.format != null ? spec.format : api == Api.REST ? REST_FORMAT : WEBSOCKET_FORMAT;
    return new Settings(api.groupArn(ctx), format);
  }

  static int retentionDays(AccessLogSpec spec) {
    return spec.retentionDays != null ? spec.retentionDays : FunctionDefaults.LOG_RETENTION_DAYS;
  }

  /** What the API needs first: its access log group, when it has one. */
  static List<String> dependencies(AccessLogSpec spec, Api api) {
    return spec == null ? List.of() : List.of(api.dependency());
  }

  /**
   * The ARN of Slipway's CloudWatch role, created with the managed push-to-CloudWatch policy when
   * missing. It outlives every service: the account's setting names it for all of them.
   */
  static String ensureCloudWatchRole(StackContext ctx) {
    IamClient iam = ctx.aws().iam();
    Optional<String> existing = AwsErrors.unlessNotFound(() -> iam.getRole(r -> r.roleName(CLOUDWATCH_ROLE)).role().arn());
    String arn = existing.orElseGet(() -> iam.createRole(r -> r
        .roleName(CLOUDWATCH_ROLE)
        .path(IamRoleKind.PATH)
        .permissionsBoundary(ctx.permissionsBoundary().orElse(null))
        .assumeRolePolicyDocument(TRUST)
        .description("API Gateway's CloudWatch Logs role of the account, set by Slipway while the account had none")
        .tags(Tag.builder().key(Tags.MANAGED_BY).value("slipway").build())).role().arn());
    // Attaching an attached policy again is a no-op in IAM: a role left half-made by a failed pass is completed.
    iam.attachRolePolicy(r -> r.roleName(CLOUDWATCH_ROLE).policyArn(CLOUDWATCH_POLICY));
    return arn;
  }
}
