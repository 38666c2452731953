package dev.slipway.cli;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code kubectl slipway}: watch, gate and steer LambdaReleases from the terminal and read their
 * history, with the user's own kubeconfig credentials. Nothing here runs before a subcommand does,
 * so {@code --help} touches neither the network nor the cluster.
 *
 * <p>Startup: on a cold JVM most of a short run is picocli building its model by reflection (each
 * command's options, mixins, converters and field types, AWS's for diff). So only the subcommands a
 * line names are built in full, the others as the name and description the command list needs, and
 * the top-level {@code --help} is printed as the build rendered it, with no model at all.
 */
@Command(
    name = "kubectl slipway",
    // --help, --version and the exit codes for every subcommand too.
    scope = CommandLine.ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = KubectlSlipway.Version.class,
    description = "Watch, gate, steer and roll back Slipway LambdaReleases; release history and stats; what applying a ServerlessService would change in AWS.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:done; for status: the release Succeeded",
        "1:status: RolledBack, Failed or Superseded; a control: it does not apply in the release's phase (nothing written);"
            + " rollback: a release of the function is in progress (nothing created); diff: differences",
        "2:usage error; rollback: --to names a release of another function, or one that did not succeed",
        "3:status: the release has not finished (no --watch, or --timeout ran out)",
        "4:error: release not found, or the API server (or, for diff, AWS) refused or could not be reached"})
public final class KubectlSlipway {

  public static final int OK = 0;
  /** status: the release ended without its code serving all traffic; a control: not applicable now. */
  public static final int NOT_SUCCEEDED = 1;
  public static final int NOT_APPLICABLE = 1;
  /** diff: applying the manifest would change AWS (as kubectl diff's 1). */
  public static final int DIFFERENCES = 1;
  public static final int USAGE = 2;
  public static final int NOT_FINISHED = 3;
  public static final int ERROR = 4;

  /** The subcommands, in the order --help lists them. */
  private static final List<Class<?>> COMMANDS = List.of(
      StatusCommand.class, ControlCommands.Promote.class, ControlCommands.Abort.class, ControlCommands.Pause.class,
      ControlCommands.Resume.class, ControlCommands.Retry.class, RollbackCommand.class, HistoryCommand.class,
      StatsCommand.class, DiffCommand.class);

  /**
   * The top-level help as the build rendered it (pom.xml, antrun's kubectl-slipway-help): printed as
   * it is, {@code kubectl slipway --help} needs no picocli model at all, which on a cold JVM is most
   * of its time. Absent (tests, a run from target/classes), picocli renders it.
   */
  static final String RENDERED_HELP = "help.txt";

  public static void main(String[] args) {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h")) && printRenderedHelp()) {
      System.exit(OK);
    }
    // fabric8 logs through SLF4J and the plugin ships no binding: without this, SLF4J's warning that it
    // found none would precede every command's output.
    System.setProperty("slf4j.internal.verbosity", "ERROR");
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs one command line; what it prints goes to {@code out} and {@code err}. Returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = commandLine(args);
    cli.setOut(out).setErr(err);
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      line.getErr().println("error: " + message(e));
      return ERROR;
    });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  private static boolean printRenderedHelp() {
    try (InputStream help = KubectlSlipway.class.getResourceAsStream(RENDERED_HELP)) {
      if (help == null) {
        return false;
      }
      System.out.writeBytes(help.readAllBytes());
      System.out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The command tree for {@code args}: the subcommands it names (a subcommand, or help's topic) built
   * in full, the rest as their name and description alone, which is all the top-level help reads.
   */
  static CommandLine commandLine(String... args) {
    // copyOf, not of: a line may repeat a word (status api -n api).
    Set<String> named = Set.copyOf(List.of(args));
    CommandLine cli = new CommandLine(new KubectlSlipway());
    for (Class<?> c : COMMANDS) {
      Command command = c.getAnnotation(Command.class);
      if (named.contains(command.name())) {
        cli.addSubcommand(command.name(), c);
      } else {
        CommandSpec listed = CommandSpec.create();
        listed.usageMessage().description(command.description());
        cli.addSubcommand(command.name(), listed);
      }
    }
    cli.addSubcommand("help", CommandLine.HelpCommand.class);
    return cli;
  }

  private static String message(Exception e) {
    if (e instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
      return k.getStatus().getMessage();
    }
    String message = e.getMessage() != null ? e.getMessage() : e.toString();
    // fabric8's own message names only the operation; the root cause says why (no such host, refused, TLS),
    // often by its class alone.
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root == e ? message
        : message + " " + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  /** The version Maven packaged, from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = KubectlSlipway.class.getPackage().getImplementationVersion();
      return new String[] {"kubectl-slipway " + (v == null ? "(development build)" : v)};
    }
  }
}
