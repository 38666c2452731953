package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiGatewayArnsTest {

  /** REST and WebSocket APIs were tagged by an {@code arn:aws:} ARN in every partition, which China and GovCloud refuse. */
  @Test
  void theArnIsInTheRegionsPartitionWithoutAnAccount() {
    assertThat(ApiGatewayArns.of("eu-west-1", "/restapis/abc")).isEqualTo("arn:aws:apigateway:eu-west-1::/restapis/abc");
    assertThat(ApiGatewayArns.of("cn-north-1", "/apis/abc")).isEqualTo("arn:aws-cn:apigateway:cn-north-1::/apis/abc");
    assertThat(ApiGatewayArns.of("us-gov-west-1", "/domainnames/api.example.com"))
        .isEqualTo("arn:aws-us-gov:apigateway:us-gov-west-1::/domainnames/api.example.com");
  }
}
