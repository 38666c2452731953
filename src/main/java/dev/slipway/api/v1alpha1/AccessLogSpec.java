package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Access logging of an API stage to a CloudWatch log group Slipway creates. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AccessLogSpec {

  @ValidationRule(value = FunctionSpec.LOG_RETENTION_RULE, message = FunctionSpec.LOG_RETENTION_MESSAGE)
  @JsonPropertyDescription("Days CloudWatch Logs keeps the access log group (/aws/apigateway/<namePrefix>-api for the REST API,"
      + " /aws/apigateway/<namePrefix>-ws for the WebSocket API), which Slipway creates and deletes with the service under"
      + " deletionPolicy Delete: one of the periods CloudWatch Logs offers. Default: 30.")
  public Integer retentionDays;

  @Size(max = 4096)
  // API Gateway refuses a format without the request id.
  @Pattern("\\$context\\.(extendedRequestId|requestId)")
  @JsonPropertyDescription("One line per request, in API Gateway's $context variables; it must contain $context.requestId or"
      + " $context.extendedRequestId. Default: a JSON line with requestId, ip, requestTime, httpMethod, resourcePath (REST) or"
      + " routeKey and eventType (WebSocket), status, protocol, responseLength and integrationError.")
  public String format;
}
