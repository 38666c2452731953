package dev.slipway.aws;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
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
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The AWS clients of one {@link AwsTarget}, built in this one place: same credentials, region,
 * endpoint override, retry policy and call recorder for every service ({@link #client}). Clients
 * are created on first use and shared; the instance is thread-safe.
 */
public final class AwsClients implements AutoCloseable {

  private final AwsTarget target;
  private final AwsCredentialsProvider credentials;
  private final Optional<URI> endpoint;
  private final SdkHttpClient http;
  private final AwsCallRecorder recorder;

  private final Function<AwsTarget, AwsClients> siblings;
  private final Map<Class<?>, SdkClient> clients = new ConcurrentHashMap<>();
  /** Null for clients that retry; for the {@link #withoutRetries()} sibling, the clients it was made from. */
  private final AwsClients retrying;
  private volatile AwsClients once;
  private volatile String accountId;

  AwsClients(
      AwsTarget target,
      AwsCredentialsProvider credentials,
      Optional<URI> endpoint,
      SdkHttpClient http,
      AwsCallRecorder recorder,
      Function<AwsTarget, AwsClients> siblings) {
    this.target = target;
    this.credentials = credentials;
    this.endpoint = endpoint;
    this.http = http;
    this.recorder = recorder;
    this.siblings = siblings;
    this.retrying = null;
  }

  private AwsClients(AwsClients retrying) {
    this.target = retrying.target;
    this.credentials = retrying.credentials;
    this.endpoint = retrying.endpoint;
    this.http = retrying.http;
    this.recorder = retrying.recorder;
    this.siblings = retrying.siblings;
    this.retrying = retrying;
  }

  /**
   * The same clients with the SDK's retries off, for create calls. A create retried by the SDK after
   * a lost answer makes a second resource wherever AWS generates the id (a second REST API of the
   * same name); without SDK retries the runtime looks for what the first attempt made before it
   * tries again (ResourceLoop). Built once, shared.
   */
  public AwsClients withoutRetries() {
    if (retrying != null) {
      return this;
    }
    AwsClients o = once;
    if (o == null) {
      synchronized (this) {
        if (once == null) {
          once = new AwsClients(this);
        }
        o = once;
      }
    }
    return o;
  }

  /**
   * The client of one AWS service, built on first use with this target's credentials, region,
   * endpoint, retry policy and call recorder: {@code aws.client(SnsClient.class, SnsClient::builder)}.
   * A new kind needs nothing added here.
   */
  public <C extends SdkClient, B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>> C client(Class<C> type, Supplier<B> builder) {
    return type.cast(clients.computeIfAbsent(type, t -> {
      B b = configure(builder.get());
      if (b instanceof S3ClientBuilder s3) {
        // Emulators serve buckets by path, not by virtual host.
        s3.forcePathStyle(endpoint.isPresent());
      }
      return b.build();
    }));
  }

  /** The clients of the same credentials in another region. */
  public AwsClients inRegion(String region) {
    return siblings.apply(target.inRegion(region));
  }

  private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder) {
    ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder().addExecutionInterceptor(recorder);
    if (retrying == null) {
      override.retryStrategy(RetryMode.STANDARD);
    } else {
      override.retryStrategy(AwsRetryStrategy.doNotRetry());
    }
    builder
        .region(Region.of(target.region()))
        .credentialsProvider(credentials)
        .httpClient(http)
        .overrideConfiguration(override.build());
    endpoint.ifPresent(builder::endpointOverride);
    return builder;
  }

  public AwsTarget target() {
    return target;
  }

  public IamClient iam() {
    return client(IamClient.class, IamClient::builder);
  }

  public DynamoDbClient dynamo() {
    return client(DynamoDbClient.class, DynamoDbClient::builder);
  }

  public LambdaClient lambda() {
    return client(LambdaClient.class, LambdaClient::builder);
  }

  public ApiGatewayClient apiGateway() {
    return client(ApiGatewayClient.class, ApiGatewayClient::builder);
  }

  public ApiGatewayV2Client apiGatewayV2() {
    return client(ApiGatewayV2Client.class, ApiGatewayV2Client::builder);
  }

  public CloudWatchClient cloudWatch() {
    return client(CloudWatchClient.class, CloudWatchClient::builder);
  }

  public SnsClient sns() {
    return client(SnsClient.class, SnsClient::builder);
  }

  public S3Client s3() {
    return client(S3Client.class, S3Client::builder);
  }

  public SsmClient ssm() {
    return client(SsmClient.class, SsmClient::builder);
  }

  public StsClient sts() {
    return client(StsClient.class, StsClient::builder);
  }

  /**
   * The account the target's credentials belong to, asked of STS once: it never changes for a
   * target, and asking at every reconcile would cost one call per service per resync.
   */
  public String accountId() {
    if (retrying != null) {
      return retrying.accountId();
    }
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
    clients.values().forEach(SdkClient::close);
    if (once != null) {
      once.close();
    }
  }
}
