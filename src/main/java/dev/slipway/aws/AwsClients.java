package dev.slipway.aws;

import java.net.URI;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.apigatewayv2.ApiGatewayV2Client;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The AWS clients of one {@link AwsTarget}, built in this one place: same credentials, region,
 * endpoint override, retry policy and call recorder for every service. Clients are created on
 * first use and shared; the instance is thread-safe.
 */
public final class AwsClients implements AutoCloseable {

  private final AwsTarget target;
  private final AwsCredentialsProvider credentials;
  private final Optional<URI> endpoint;
  private final SdkHttpClient http;
  private final AwsCallRecorder recorder;

  private final Lazy<IamClient> iam;
  private final Lazy<DynamoDbClient> dynamo;
  private final Lazy<LambdaClient> lambda;
  private final Lazy<ApiGatewayClient> apiGateway;
  private final Lazy<ApiGatewayV2Client> apiGatewayV2;
  private final Lazy<CloudWatchClient> cloudWatch;
  private final Lazy<SnsClient> sns;
  private final Lazy<S3Client> s3;
  private final Lazy<SsmClient> ssm;
  private final Lazy<StsClient> sts;
  private volatile String accountId;

  AwsClients(
      AwsTarget target,
      AwsCredentialsProvider credentials,
      Optional<URI> endpoint,
      SdkHttpClient http,
      AwsCallRecorder recorder) {
    this.target = target;
    this.credentials = credentials;
    this.endpoint = endpoint;
    this.http = http;
    this.recorder = recorder;
    this.iam = new Lazy<>(() -> configure(IamClient.builder()).build());
    this.dynamo = new Lazy<>(() -> configure(DynamoDbClient.builder()).build());
    this.lambda = new Lazy<>(() -> configure(LambdaClient.builder()).build());
    this.apiGateway = new Lazy<>(() -> configure(ApiGatewayClient.builder()).build());
    this.apiGatewayV2 = new Lazy<>(() -> configure(ApiGatewayV2Client.builder()).build());
    this.cloudWatch = new Lazy<>(() -> configure(CloudWatchClient.builder()).build());
    this.sns = new Lazy<>(() -> configure(SnsClient.builder()).build());
    // Emulators serve buckets by path, not by virtual host.
    this.s3 = new Lazy<>(() -> configure(S3Client.builder()).forcePathStyle(endpoint.isPresent()).build());
    this.ssm = new Lazy<>(() -> configure(SsmClient.builder()).build());
    this.sts = new Lazy<>(() -> configure(StsClient.builder()).build());
  }

  private <B extends AwsClientBuilder<B, ?> & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, ?>>
      B configure(B builder) {
    builder
        .region(Region.of(target.region()))
        .credentialsProvider(credentials)
        .httpClient(http)
        .overrideConfiguration(
            ClientOverrideConfiguration.builder()
                .retryStrategy(RetryMode.STANDARD)
                .addExecutionInterceptor(recorder)
                .build());
    endpoint.ifPresent(builder::endpointOverride);
    return builder;
  }

  public AwsTarget target() {
    return target;
  }

  public IamClient iam() {
    return iam.get();
  }

  public DynamoDbClient dynamo() {
    return dynamo.get();
  }

  public LambdaClient lambda() {
    return lambda.get();
  }

  public ApiGatewayClient apiGateway() {
    return apiGateway.get();
  }

  public ApiGatewayV2Client apiGatewayV2() {
    return apiGatewayV2.get();
  }

  public CloudWatchClient cloudWatch() {
    return cloudWatch.get();
  }

  public SnsClient sns() {
    return sns.get();
  }

  public S3Client s3() {
    return s3.get();
  }

  public SsmClient ssm() {
    return ssm.get();
  }

  public StsClient sts() {
    return sts.get();
  }

  /**
   * The account the target's credentials belong to, asked of STS once: it never changes for a
   * target, and asking at every reconcile would cost one call per service per resync.
   */
  public String accountId() {
    String a = accountId;
    if (a == null) {
      synchronized (this) {
        if (accountId == null) {
          accountId = sts().getCallerIdentity().account();
        }
        a = accountId;
      }
    }
    return a;
  }

  @Override
  public void close() {
    for (Lazy<? extends AutoCloseable> c : java.util.List.of(iam, dynamo, lambda, apiGateway, apiGatewayV2, cloudWatch, sns, s3, ssm, sts)) {
      c.closeIfCreated();
    }
  }

  /** A client built on first use. */
  private static final class Lazy<T extends AutoCloseable> {
    private final Supplier<T> factory;
    private volatile T value;

    Lazy(Supplier<T> factory) {
      this.factory = factory;
    }

    T get() {
      T v = value;
      if (v == null) {
        synchronized (this) {
          if (value == null) {
            value = factory.get();
          }
          v = value;
        }
      }
      return v;
    }

    void closeIfCreated() {
      T v = value;
      if (v != null) {
        try {
          v.close();
        } catch (Exception ignored) {
          // closing a client frees sockets only; nothing to report
        }
      }
    }
  }
}
