package dev.slipway.aws.kinds;

import dev.slipway.aws.PolicyStatement;
import dev.slipway.aws.StackContext;
import java.util.Collection;
import java.util.Map;

/** The ARNs API Gateway (v1 and v2 alike) tags resources by: the region's partition, no account, then the resource's path. */
final class ApiGatewayArns {

  private ApiGatewayArns() {}

  /** {@code arn:<partition>:apigateway:<region>::<path>}, for example the path {@code /restapis/<id>}. */
  static String of(String region, String path) {
    return new PolicyStatement.Scope(region, "").arn("apigateway", path);
  }

  /** Sets {@code set} and removes {@code remove} on the v1 resource at {@code path} of the service's region, for example {@code /apikeys/<id>}. */
  static void retag(StackContext ctx, String path, Map<String, String> set, Collection<String> remove) {
    String arn = of(ctx.region(), path);
    if (!remove.isEmpty()) {
      ctx.aws().apiGateway().untagResource(r -> r.resourceArn(arn).tagKeys(remove));
    }
    if (!set.isEmpty()) {
      ctx.aws().apiGateway().tagResource(r -> r.resourceArn(arn).tags(set));
    }
  }
}
