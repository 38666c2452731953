package dev.slipway.aws.kinds;

import dev.slipway.aws.PolicyStatement;

/** The ARNs API Gateway (v1 and v2 alike) tags resources by: the region's partition, no account, then the resource's path. */
final class ApiGatewayArns {

  private ApiGatewayArns() {}

  /** {@code arn:<partition>:apigateway:<region>::<path>}, for example the path {@code /restapis/<id>}. */
  static String of(String region, String path) {
    return new PolicyStatement.Scope(region, "").arn("apigateway", path);
  }
}
