package dev.slipway.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.slipway.api.v1alpha1.FunctionDefaults;
import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.FunctionStatus;
import dev.slipway.api.v1alpha1.ServerlessService;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec.DeletionPolicy;
import dev.slipway.api.v1alpha1.ServerlessServiceStatus;
import dev.slipway.api.v1alpha1.Slipway;
import dev.slipway.aws.Adoption;
import dev.slipway.aws.AwsCallRecorder;
import dev.slipway.aws.AwsClientFactory;
import dev.slipway.aws.AwsTarget;
import dev.slipway.aws.SecretValues;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.StackDiff;
import dev.slipway.aws.StackDiff.Change;
import dev.slipway.aws.StackDiff.Entry;
import dev.slipway.aws.kinds.LambdaFunctionKind;
import dev.slipway.aws.kinds.StackKinds;
import dev.slipway.reconciler.ServiceSecrets;
import dev.slipway.reconciler.ServiceValidator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * What applying a ServerlessService would change in AWS, worked out read-only with the user's own
 * AWS credentials: the resource kinds' own reads and comparisons ({@link StackDiff}), against the
 * live object's status (the resources it manages, what it recorded of its functions) when the
 * object exists. Every AWS call goes through a recorder that refuses anything but reads.
 */
@Command(
    name = "diff",
    description = {"What applying SERVICE.yaml would change in AWS, per resource, computed read-only with your own AWS credentials.",
        "Lines as terraform plan's: + create, ~ update (with each change), - delete; then the functions that would get a release."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:no differences",
        "1:differences",
        "2:usage error",
        "4:error: the manifest is invalid, the cluster or AWS refused or could not be reached, or a resource could not be compared"})
final class DiffCommand implements Callable<Integer> {

  /** Calls kept for --show-aws-calls: far more than the largest stack's diff makes. */
  private static final int CALL_LOG = 10_000;

  @Mixin ClusterOptions cluster;
  @Spec CommandSpec spec;

  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "SERVICE.yaml", description = "The ServerlessService manifest ('-': standard input).")
  String file;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
  String output;

  @Option(names = "--region", paramLabel = "REGION", description = "AWS region (default: the manifest's spec.region, then the SDK's: AWS_REGION, the profile).")
  String region;

  @Option(names = "--profile", paramLabel = "NAME", description = "AWS profile of your shared config and credentials files (default: the SDK's chain).")
  String profile;

  @Option(names = "--endpoint-url", paramLabel = "URL", description = "Send every AWS call here (an emulator such as moto or LocalStack).")
  URI endpoint;

  @Option(names = "--role-arn", paramLabel = "ARN", description = "Assume this role for the reads (for example the manifest's spec.roleArn).")
  String roleArn;

  @Option(names = "--permissions-boundary", paramLabel = "ARN",
      description = "The operator's slipway.iam.permissions-boundary, if it sets one, so execution roles compare as the operator sees them.")
  String permissionsBoundary;

  @Option(names = "--show-aws-calls", description = "Print every AWS call the diff made to standard error (only reads).")
  boolean showCalls;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!output.equals("text") && !output.equals("json")) {
      err.println("error: --output must be text or json, not " + output);
      return KubectlSlipway.USAGE;
    }
    ServerlessService service = read(file);
    if (service.getMetadata() == null || service.getMetadata().getName() == null || service.getSpec() == null) {
      err.println("error: " + file + " holds no ServerlessService with metadata.name and spec");
      return KubectlSlipway.ERROR;
    }
    String ns = service.getMetadata().getNamespace() != null ? service.getMetadata().getNamespace() : cluster.namespace();
    String name = service.getMetadata().getName();
    service.getMetadata().setNamespace(ns);
    ServerlessServiceSpec effective = FunctionDefaults.resolve(service.getSpec());
    Adoption adoption = Adoption.parse(annotation(service, Slipway.ADOPT_ANNOTATION));
    List<String> problems = new ArrayList<>(new ServiceValidator().validate(name, effective));
    adoption.unknown(StackKinds.byName().keySet()).forEach(k -> problems.add("annotation " + Slipway.ADOPT_ANNOTATION + " names " + k + ", which is no resource kind"));
    if (!problems.isEmpty()) {
      err.println("error: the operator would refuse ServerlessService " + ns + "/" + name + ": " + String.join("; ", problems));
      return KubectlSlipway.ERROR;
    }
    try (KubernetesClient client = cluster.client()) {
      ServerlessService live = client.resources(ServerlessService.class).inNamespace(ns).withName(name).get();
      ServerlessServiceStatus status = live == null || live.getStatus() == null ? new ServerlessServiceStatus() : live.getStatus();
      List<FunctionStatus> functions = status.functions == null ? List.of() : status.functions;
      String target = region != null ? region : effective.region != null ? effective.region : defaultRegion();
      AwsCallRecorder recorder = AwsCallRecorder.readOnly(new SimpleMeterRegistry(), CALL_LOG);
      try (AwsClientFactory aws = new AwsClientFactory(Optional.ofNullable(endpoint), recorder, credentials())) {
        StackContext ctx = new StackContext(aws.forTarget(AwsTarget.of(target, roleArn)), ns, name, effective, status.resources, functions,
            secrets(client, live != null ? live : service, live != null), adoption, Optional.ofNullable(permissionsBoundary));
        StackDiff.Result diff = StackDiff.of(ctx, StackKinds.plan(ctx), status.resources, StackKinds.byName(),
            service.getSpec().deletionPolicy == DeletionPolicy.Delete);
        List<Release> releases = releases(effective, diff);
        if (output.equals("json")) {
          json(out, ns, name, target, live != null, diff, releases);
        } else {
          text(out, diff, releases);
        }
        out.flush();
        if (showCalls) {
          recorder.calls().forEach(c -> err.println("aws: " + c.service() + " " + c.operation() + (c.failed() ? " (failed)" : "")));
        }
        long unknown = diff.count(Change.UNKNOWN);
        if (unknown > 0) {
          err.println("error: the diff could not tell what " + unknown + " resource" + (unknown == 1 ? "" : "s") + " would do (marked !)");
          return KubectlSlipway.ERROR;
        }
        return diff.differs() ? KubectlSlipway.DIFFERENCES : KubectlSlipway.OK;
      }
    }
  }

  /** A function whose change publishes a new version: the service would create a LambdaRelease to ship it. */
  record Release(String function, String physicalName, String policy) {}

  /** The functions that exist and whose code or configuration would change: each gets a new version, and a release ships it. */
  static List<Release> releases(ServerlessServiceSpec spec, StackDiff.Result diff) {
    Map<String, FunctionSpec> byName = new LinkedHashMap<>();
    spec.functions.forEach(f -> byName.put(f.name, f));
    return diff.entries().stream()
        .filter(e -> e.kind().equals(LambdaFunctionKind.KIND) && e.change() == Change.UPDATE && LambdaFunctionKind.changesVersion(e.delta()))
        .map(e -> new Release(e.name(), e.physicalName(), byName.get(e.name()).releasePolicy))
        .toList();
  }

  /** One line per change, as terraform plan and kubectl diff: resources in sync are only counted. */
  static void text(PrintWriter out, StackDiff.Result diff, List<Release> releases) {
    for (Entry e : diff.changes()) {
      StringBuilder line = new StringBuilder(e.change().symbol).append(' ').append(e.change().verb).append(' ').append(e.kind()).append(' ').append(e.physicalName());
      if (!e.steps().isEmpty()) {
        line.append(": ").append(String.join("; ", e.steps()));
      }
      if (e.note() != null) {
        String why = e.knownAfterApply() ? e.note().substring(StackDiff.KNOWN_AFTER_APPLY.length() + 2) : e.note();
        line.append(e.change() == Change.CREATE && e.knownAfterApply() ? " " + StackDiff.KNOWN_AFTER_APPLY : "").append("  # ").append(why);
      }
      out.println(line);
    }
    for (Release r : releases) {
      out.println("release " + r.function() + ": a new version of " + r.physicalName() + ", shipped by a LambdaRelease with "
          + (r.policy() == null ? "no policy (all at once)" : "policy " + r.policy()));
    }
    long inSync = diff.count(Change.IN_SYNC);
    if (!diff.differs()) {
      out.println("no changes: " + inSync + " AWS resource" + (inSync == 1 ? "" : "s") + " in sync");
      return;
    }
    List<String> counts = new ArrayList<>();
    counts.add(diff.count(Change.CREATE) + " to create");
    counts.add(diff.count(Change.UPDATE) + " to update");
    counts.add(diff.count(Change.DELETE) + " to delete");
    if (diff.count(Change.FORGET) > 0) {
      counts.add(diff.count(Change.FORGET) + " to forget");
    }
    if (diff.count(Change.UNKNOWN) > 0) {
      counts.add(diff.count(Change.UNKNOWN) + " unknown");
    }
    counts.add(inSync + " in sync");
    out.println("diff: " + String.join(", ", counts) + (releases.isEmpty() ? "" : "; " + releases.size() + " release" + (releases.size() == 1 ? "" : "s")));
  }

  /** The same as JSON: every resource (those in sync too), the releases and the counts. */
  static void json(PrintWriter out, String ns, String name, String region, boolean live, StackDiff.Result diff, List<Release> releases) throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("namespace", ns);
    doc.put("name", name);
    doc.put("region", region);
    doc.put("live", live);
    doc.put("differs", diff.differs());
    List<Map<String, Object>> resources = new ArrayList<>();
    for (Entry e : diff.entries()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("change", e.change().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
      r.put("kind", e.kind());
      r.put("name", e.name());
      r.put("physicalName", e.physicalName());
      r.put("steps", e.steps());
      if (e.note() != null) {
        r.put("note", e.note());
      }
      resources.add(r);
    }
    doc.put("resources", resources);
    doc.put("releases", releases);
    Map<String, Long> summary = new LinkedHashMap<>();
    for (Change c : Change.values()) {
      summary.put(c.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), diff.count(c));
    }
    doc.put("summary", summary);
    out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
  }

  private static ServerlessService read(String file) throws IOException {
    try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(new File(file).toPath())) {
      return Serialization.unmarshal(in, ServerlessService.class);
    }
  }

  private static String annotation(ServerlessService s, String key) {
    Map<String, String> a = s.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }

  private AwsCredentialsProvider credentials() {
    return profile == null ? DefaultCredentialsProvider.builder().build() : DefaultCredentialsProvider.builder().profileName(profile).build();
  }

  private String defaultRegion() {
    var chain = profile == null ? DefaultAwsRegionProviderChain.builder().build() : DefaultAwsRegionProviderChain.builder().profileName(profile).build();
    return chain.getRegion().id();
  }

  /**
   * The namespace's Secrets as the user may read them: parameter sources, and the Secrets the live
   * service owns (a Cognito client's credential, compared with AWS). Nothing is written.
   */
  private static SecretValues secrets(KubernetesClient client, ServerlessService service, boolean live) {
    ServiceSecrets secrets = new ServiceSecrets(client, service);
    return SecretValues.readOnly(secrets::read, name -> live ? secrets.owned(name) : Optional.empty());
  }
}
