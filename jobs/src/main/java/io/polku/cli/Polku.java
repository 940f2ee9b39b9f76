package io.polku.cli;

import io.polku.config.ConfigException;
import io.polku.lake.LockHeldException;
import io.polku.pipeline.DataQualityException;
import io.polku.pipeline.SourceNotFoundException;
import io.polku.pipeline.SourceSchemaException;
import io.polku.session.PolkuSession;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bin/polku} command line. */
@Command(
    name = "polku",
    mixinStandardHelpOptions = true,
    versionProvider = Polku.Version.class,
    description =
        "Polku: nightly Spark jobs that join customer feedback with cross-channel"
            + " behaviour in your own data lake.",
    subcommands = {
      NightlyCommand.class,
      IngestCommand.class,
      PreviewCommand.class,
      EvaluateRootCausesCommand.class,
      GenerateSamplesCommand.class,
      BenchCommand.class,
      SqlCommand.class,
      ServeCommand.class,
      NotebookCommand.class,
      TablesCommand.class,
      DocsCommand.class,
      ReportCommand.class,
      ConfigCommand.class,
      MaintainCommand.class,
      ForgetCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  ok",
      "  1  failure (see the message and the log file it names)",
      "  2  usage or configuration error (including a missing source path, or source",
      "     schema drift: a declared column gone, a typed column's type changed)",
      "  3  data-quality threshold breached (nothing of the source was committed)",
      "  4  the lake is locked by another live run (nightly/ingest); nothing was done",
      "  5  forget: some ids were not found in the lake (listed); the others were erased"
    })
public final class Polku implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code (tests call this). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new Polku());
    cli.setExecutionExceptionHandler(Polku::handle);
    cli.setParameterExceptionHandler(
        (e, a) -> {
          PrintWriter err = e.getCommandLine().getErr();
          err.println(e.getMessage());
          e.getCommandLine().usage(err);
          return ExitCodes.USAGE;
        });
    return cli.execute(args);
  }

  /** The documented exit code of a command that failed with {@code e}. */
  static int exitCode(Throwable e) {
    if (e instanceof ConfigException
        || e instanceof SourceNotFoundException
        || e instanceof SourceSchemaException
        || e instanceof IllegalArgumentException) {
      return ExitCodes.USAGE;
    }
    if (e instanceof LockHeldException) {
      return ExitCodes.LOCKED;
    }
    if (e instanceof DataQualityException) {
      return ExitCodes.DATA_QUALITY;
    }
    return ExitCodes.FAILURE;
  }

  private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    PrintWriter err = cli.getErr();
    int code = exitCode(e);
    if (code != ExitCodes.FAILURE) {
      err.println(
          e instanceof IllegalArgumentException ? "Error: " + e.getMessage() : e.getMessage());
      return code;
    }
    err.println("Failed: " + e);
    Throwable cause = e.getCause();
    while (cause != null) {
      err.println("  caused by: " + cause);
      cause = cause.getCause();
    }
    String log = System.getProperty(PolkuSession.LOG_FILE_PROPERTY);
    if (log != null) {
      err.println("Full log: " + log);
    }
    org.apache.logging.log4j.LogManager.getLogger(Polku.class).error("Command failed", e);
    return ExitCodes.FAILURE;
  }

  /** The version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Polku.class.getPackage().getImplementationVersion();
      return new String[] {"polku " + (v == null ? "(development build)" : v)};
    }
  }
}
