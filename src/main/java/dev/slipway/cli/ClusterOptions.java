package dev.slipway.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.File;
import picocli.CommandLine.Option;

/**
 * The flags kubectl plugins take for the cluster, read as kubectl reads them: the user's own
 * kubeconfig (KUBECONFIG or ~/.kube/config unless --kubeconfig), its current context unless
 * --context, the context's namespace unless -n.
 */
final class ClusterOptions {

  @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config).")
  File kubeconfig;

  @Option(names = "--context", paramLabel = "NAME", description = "The kubeconfig context to use (default: its current context).")
  String context;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Namespace (default: the context's, else default).")
  String namespace;

  private Config config;

  Config config() {
    if (config == null) {
      config = kubeconfig != null ? Config.fromKubeconfig(context, kubeconfig) : Config.autoConfigure(context);
    }
    return config;
  }

  /** A client with the user's credentials; the JDK's HTTP client, the only one the plugin ships. */
  KubernetesClient client() {
    return new KubernetesClientBuilder().withConfig(config()).withHttpClientFactory(new JdkHttpClientFactory()).build();
  }

  String namespace() {
    if (namespace != null) {
      return namespace;
    }
    return config().getNamespace() != null ? config().getNamespace() : "default";
  }
}
