package io.polku.cli;

import com.typesafe.config.ConfigRenderOptions;
import io.polku.config.ConfigRedaction;
import io.polku.config.PolkuConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Configuration commands. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Configuration commands: 'config show' prints the effective configuration.",
    subcommands = {ConfigCommand.Show.class})
public final class ConfigCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Prints the effective configuration with secrets redacted. */
  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Print the effective configuration (--set over the --conf file over"
          + " reference.conf, environment variables substituted, validated) with secrets"
          + " redacted: the value of every key containing secret, password, access.key,"
          + " secret.key, token or credentials, and URI passwords, print as \"***\".")
  static final class Show implements Callable<Integer> {
    @Mixin
    Environment env;

    @Option(names = "--format", defaultValue = "hocon", paramLabel = "hocon|json",
        description = "Output format. Default: ${DEFAULT-VALUE}.")
    String format;

    @Override
    public Integer call() {
      if (!format.equals("hocon") && !format.equals("json")) {
        throw new IllegalArgumentException("--format " + format + " is not supported; expected"
            + " hocon or json");
      }
      PolkuConfig config = env.config();
      var polku = ConfigRedaction.redact(config.raw().getConfig("polku").root());
      String text = polku.atKey("polku").root().render(ConfigRenderOptions.defaults()
          .setOriginComments(false).setComments(false).setJson(format.equals("json"))
          .setFormatted(true));
      System.out.println(text.strip());
      return ExitCodes.OK;
    }
  }
}
