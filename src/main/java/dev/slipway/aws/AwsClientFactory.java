package dev.slipway.aws;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * Hands out one {@link AwsClients} per {@link AwsTarget}. Credentials come from the SDK's default
 * chain (environment, IRSA web identity, instance profile); a target with a role assumes it through
 * STS (with the target's ExternalId, session name and session tags) and refreshes the session before
 * it expires. The endpoint override points every client at an
 * emulator; when it is not set the SDK still honours {@code AWS_ENDPOINT_URL} on its own.
 */
public final class AwsClientFactory implements AutoCloseable {

  private final Optional<URI> endpoint;
  private final AwsCallRecorder recorder;
  private final AwsCredentialsProvider baseCredentials;
  private final SdkHttpClient http;
  private final Map<AwsTarget, AwsClients> clients = new ConcurrentHashMap<>();

  public AwsClientFactory(Optional<URI> endpoint, AwsCallRecorder recorder) {
    this(endpoint, recorder, DefaultCredentialsProvider.builder().build());
  }

  public AwsClientFactory(Optional<URI> endpoint, AwsCallRecorder recorder, AwsCredentialsProvider baseCredentials) {
    this.endpoint = endpoint;
    this.recorder = recorder;
    this.baseCredentials = baseCredentials;
    this.http = ApacheHttpClient.builder().build();
  }

  public AwsClients forTarget(AwsTarget target) {
    return clients.computeIfAbsent(target, this::create);
  }

  private AwsClients create(AwsTarget target) {
    AwsCredentialsProvider credentials = target.role().map(role -> assume(target.region(), role)).orElse(baseCredentials);
    return new AwsClients(target, credentials, endpoint, http, recorder, this::forTarget);
  }

  private AwsCredentialsProvider assume(String region, AwsTarget.AssumedRole role) {
    // Instrumented like every other client, so AssumeRole shows in the call log and the metrics.
    var stsBuilder =
        StsClient.builder()
            .region(Region.of(region))
            .credentialsProvider(baseCredentials)
            .httpClient(http)
            .overrideConfiguration(c -> c.addExecutionInterceptor(recorder));
    endpoint.ifPresent(stsBuilder::endpointOverride);
    return StsAssumeRoleCredentialsProvider.builder()
        .stsClient(stsBuilder.build())
        .refreshRequest(r -> {
          r.roleArn(role.roleArn()).roleSessionName(role.sessionName());
          role.externalId().ifPresent(r::externalId);
          if (!role.sessionTags().isEmpty()) {
            r.tags(role.sessionTags().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build())
                .toList());
          }
        })
        .build();
  }

  @Override
  public void close() {
    clients.values().forEach(AwsClients::close);
    http.close();
  }
}
