package dev.slipway.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real Kubernetes peer of Slipway's tests: etcd, kube-apiserver and kube-controller-manager
 * (the version pinned in {@code hack/versions.env}, built by {@code make deps}) on loopback, started once per JVM through
 * {@code hack/sandbox.sh} — the same script as {@code make sandbox}, in its own directory under
 * {@code target/} and without moto (tests use {@link MotoServer}). The CRDs committed under
 * {@code deploy/crds/} are applied and Established before {@link #shared()} returns.
 *
 * <p>The controller-manager runs the garbage collector and the namespace controller only, so owner
 * references are followed and a deleted namespace is emptied and goes, as in a cluster. Tests
 * isolate themselves with {@link #newNamespace(String)}.
 *
 * <p>The operator's ServiceAccount and RBAC as shipped ({@code deploy/manifests/namespace.yaml},
 * {@code serviceaccount.yaml}, {@code rbac.yaml}) are applied too, and {@link #operatorToken()}
 * is a token of that ServiceAccount: the operator under test runs with exactly the shipped
 * permissions, while tests arrange their fixtures with the cluster-admin {@link #client()}.
 */
public final class KubeApiServer {

  private static final String FIELD_MANAGER = "slipway-tests";
  /** The operator's ServiceAccount as deploy/manifests declares it. */
  public static final String OPERATOR_NAMESPACE = "slipway-system";

  public static final String OPERATOR_SERVICE_ACCOUNT = "slipway-operator";
  /** What the API server calls the operator when it authenticates with {@link #operatorToken()}. */
  public static final String OPERATOR_USER = "system:serviceaccount:" + OPERATOR_NAMESPACE + ":" + OPERATOR_SERVICE_ACCOUNT;

  private static KubeApiServer shared;

  private final Path repo;
  private final Path dir;
  private final Path kubeconfig;
  private final Config config;
  private final KubernetesClient client;
  private String operatorToken;

  private KubeApiServer(Path repo, Path dir) {
    this.repo = repo;
    this.dir = dir;
    this.kubeconfig = dir.resolve("kubeconfig");
    this.config = Config.fromKubeconfig(kubeconfig.toFile());
    this.client = new KubernetesClientBuilder().withConfig(config).build();
  }

  /** The JVM-wide server, started on first use with the CRDs applied, stopped when the JVM exits. */
  public static synchronized KubeApiServer shared() {
    if (shared == null) {
      KubeApiServer server = start();
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
      server.applyCrds(server.repo.resolve("deploy/crds"));
      server.applyOperatorRbac();
      shared = server;
    }
    return shared;
  }

  /**
   * A server of its own, with neither the CRDs nor the operator's RBAC, for a test that installs
   * them itself and must not touch the shared server's (the Helm chart); {@link #close()} stops it.
   */
  public static KubeApiServer isolated(String name) {
    return start("-" + name);
  }

  /** Stops a server from {@link #isolated(String)}. */
  public void close() {
    stop();
  }

  private static KubeApiServer start() {
    return start("");
  }

  private static KubeApiServer start(String suffix) {
    Path repo = repoRoot();
    Path dir = repo.resolve("target/kube-api-server-" + ProcessHandle.current().pid() + suffix);
    Result up =
        run(
            repo,
            Map.of(
                "SANDBOX_DIR", dir.toString(),
                "SANDBOX_MOTO", "0",
                // A test JVM that is killed still takes its servers down with it.
                "SANDBOX_WATCH_PID", Long.toString(ProcessHandle.current().pid())),
            null,
            "hack/sandbox.sh",
            "up");
    if (up.exitCode() != 0) {
      throw new IllegalStateException(
          "could not start kube-apiserver (binaries missing? run `make deps`):\n" + up.stderr());
    }
    return new KubeApiServer(repo, dir);
  }

  /** Applies every CRD file in {@code crdDir} by server-side apply and waits until each is Established. */
  public void applyCrds(Path crdDir) {
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(crdDir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        CustomResourceDefinition crd =
            client.apiextensions().v1().customResourceDefinitions().load(file.toFile()).item();
        client.resource(crd).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
        names.add(crd.getMetadata().getName());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CRDs from " + crdDir, e);
    }
    if (names.isEmpty()) {
      throw new IllegalStateException("no CRDs in " + crdDir + " (run `make crds`)");
    }
    for (String name : names) {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(name)
          .waitUntilCondition(
              crd ->
                  crd != null
                      && crd.getStatus() != null
                      && crd.getStatus().getConditions().stream()
                          .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus())),
              30,
              TimeUnit.SECONDS);
    }
  }

  /** The operator's namespace, ServiceAccount and RBAC from deploy/manifests, as the install applies them. */
  private void applyOperatorRbac() {
    Path manifests = repo.resolve("deploy/manifests");
    Result applied = kubectl(null, "apply", "--server-side", "--field-manager", FIELD_MANAGER,
        "-f", manifests.resolve("namespace.yaml").toString(),
        "-f", manifests.resolve("serviceaccount.yaml").toString(),
        "-f", manifests.resolve("rbac.yaml").toString());
    if (applied.exitCode() != 0) {
      throw new IllegalStateException("could not apply the operator's RBAC from " + manifests + ":\n" + applied.stderr());
    }
  }

  /**
   * A bearer token of the operator's ServiceAccount ({@link #OPERATOR_USER}), valid for a day: a
   * client using it has the permissions deploy/manifests/rbac.yaml grants, no more.
   */
  public synchronized String operatorToken() {
    if (operatorToken == null) {
      Result token = kubectl(null, "create", "token", OPERATOR_SERVICE_ACCOUNT, "-n", OPERATOR_NAMESPACE, "--duration", "24h");
      if (token.exitCode() != 0) {
        throw new IllegalStateException("could not create a token for " + OPERATOR_USER + ":\n" + token.stderr());
      }
      operatorToken = token.stdout().trim();
    }
    return operatorToken;
  }

  /** Client configuration authenticating as the operator's ServiceAccount, for operators a test builds by hand. */
  public Config operatorConfig() {
    return new io.fabric8.kubernetes.client.ConfigBuilder()
        .withMasterUrl(url())
        .withCaCertFile(config.getCaCertFile())
        .withOauthToken(operatorToken())
        .withNamespace(OPERATOR_NAMESPACE)
        .build();
  }

  /** A client authenticated as the operator's ServiceAccount; the caller closes it. */
  public KubernetesClient operatorClient() {
    return new KubernetesClientBuilder().withConfig(operatorConfig()).build();
  }

  /** A client with cluster-admin rights. */
  public KubernetesClient client() {
    return client;
  }

  /** A kubeconfig file with cluster-admin rights, for kubectl and other processes. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /** For example {@code https://127.0.0.1:41234/}. */
  public String url() {
    return config.getMasterUrl();
  }

  /** PEM files of the cluster CA and the admin client certificate and key. */
  public Path caCertFile() {
    return Path.of(config.getCaCertFile());
  }

  public Path clientCertFile() {
    return Path.of(config.getClientCertFile());
  }

  public Path clientKeyFile() {
    return Path.of(config.getClientKeyFile());
  }

  /** Creates a namespace with a unique name starting with {@code prefix}. */
  public String newNamespace(String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    return name;
  }

  /** Runs the kubectl built with the API server against it; {@code stdin} may be null. */
  public Result kubectl(String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(dir.resolve("bin/kubectl").toString());
    command.addAll(List.of(args));
    return run(repo, Map.of("KUBECONFIG", kubeconfig.toString()), stdin, command.toArray(String[]::new));
  }

  /** Runs the pinned helm ({@code hack/build-helm.sh}, built by {@code make deps}) against this server. */
  public Result helm(String... args) {
    List<String> command = new ArrayList<>();
    command.add(helmBinary(repo));
    command.addAll(List.of(args));
    return run(repo, Map.of("KUBECONFIG", kubeconfig.toString(), "HELM_CACHE_HOME", dir.resolve("helm/cache").toString(),
        "HELM_CONFIG_HOME", dir.resolve("helm/config").toString(), "HELM_DATA_HOME", dir.resolve("helm/data").toString()), null, command.toArray(String[]::new));
  }

  private static String helmPath;

  private static synchronized String helmBinary(Path repo) {
    if (helmPath == null) {
      Result found = run(repo, Map.of(), null, "hack/build-helm.sh");
      if (found.exitCode() != 0) {
        throw new IllegalStateException("no helm (run `make deps`):\n" + found.stderr());
      }
      helmPath = found.stdout().strip();
    }
    return helmPath;
  }

  private void stop() {
    client.close();
    run(repo, Map.of("SANDBOX_DIR", dir.toString(), "SANDBOX_MOTO", "0"), null, "hack/sandbox.sh", "down");
    // etcd preallocates 64 MB of WAL; the logs stay for post-mortems.
    deleteTree(dir.resolve("etcd"));
  }

  /** What a finished command printed. */
  public record Result(int exitCode, String stdout, String stderr) {}

  private static Result run(Path workDir, Map<String, String> env, String stdin, String... command) {
    try {
      Path out = Files.createTempFile("slipway-cmd-", ".out");
      Path err = Files.createTempFile("slipway-cmd-", ".err");
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      try (var in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + String.join(" ", command));
      }
      Result result = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
      Files.delete(out);
      Files.delete(err);
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The checkout's root: the nearest directory upwards that holds hack/sandbox.sh. */
  static Path repoRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("hack/sandbox.sh"))) {
        return p;
      }
    }
    throw new IllegalStateException("hack/sandbox.sh not found above " + Path.of("").toAbsolutePath());
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
