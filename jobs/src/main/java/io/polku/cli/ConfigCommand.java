package io.polku.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import io.polku.config.ConfigArea;
import io.polku.config.ConfigKey;
import io.polku.config.ConfigKeys;
import io.polku.config.ConfigRedaction;
import io.polku.config.PolkuConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Configuration commands. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Configuration commands: 'config show' prints the effective configuration.",
    subcommands = {ConfigCommand.Show.class})
public final class ConfigCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Prints the effective configuration with secrets redacted. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Print the effective configuration (--set over the --conf file over"
              + " reference.conf, environment variables substituted, validated) with secrets"
              + " redacted: the value of every key containing secret, password, access.key,"
              + " secret.key, token or credentials, and URI passwords, print as \"***\".")
  static final class Show implements Callable<Integer> {
    @Mixin Environment env;

    @Option(
        names = "--format",
        defaultValue = "hocon",
        paramLabel = "hocon|json",
        description = "Output format. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(
        names = "--keys",
        description =
            "Instead of the tree, every declared key by area: its meaning as a"
                + " comment, then key = effective value (HOCON; docs/configuration.md has the"
                + " types, defaults and allowed values).")
    boolean keys;

    @Override
    public Integer call() {
      if (!format.equals("hocon") && !format.equals("json")) {
        throw new IllegalArgumentException(
            "--format " + format + " is not supported; expected" + " hocon or json");
      }
      if (keys && format.equals("json")) {
        throw new IllegalArgumentException(
            "--keys prints HOCON with comments, not JSON;"
                + " expected --keys without --format json");
      }
      PolkuConfig config = env.config();
      var polku = ConfigRedaction.redact(config.raw().getConfig("polku").root());
      if (keys) {
        System.out.print(keyListing(polku.atKey("polku")));
        return ExitCodes.OK;
      }
      String text =
          polku
              .atKey("polku")
              .root()
              .render(
                  ConfigRenderOptions.defaults()
                      .setOriginComments(false)
                      .setComments(false)
                      .setJson(format.equals("json"))
                      .setFormatted(true));
      System.out.println(text.strip());
      return ExitCodes.OK;
    }

    /**
     * Each declared key with its doc, by area; a family area (the sources) once per configured
     * name, its keys set there.
     */
    static String keyListing(Config polku) {
      StringBuilder sb = new StringBuilder();
      for (ConfigArea area : ConfigKeys.AREAS) {
        sb.append("# ---- ").append(area.title()).append(" ----\n");
        String prefix = area.prefix();
        if (!prefix.contains("<name>")) {
          for (ConfigKey<?> k : area.keys()) {
            line(sb, polku, k, k.key());
          }
          continue;
        }
        String parent = prefix.substring(0, prefix.indexOf(".<name>"));
        List<String> names =
            polku.hasPath(parent)
                ? new ArrayList<>(new TreeSet<>(polku.getObject(parent).keySet()))
                : List.of();
        for (String name : names) {
          for (ConfigKey<?> k : area.keys()) {
            String path = k.key().replace("<name>", ConfigUtil.joinPath(name));
            if (polku.hasPath(path)) {
              line(sb, polku, k, path);
            }
          }
        }
      }
      return sb.toString();
    }

    private static void line(StringBuilder sb, Config polku, ConfigKey<?> k, String path) {
      sb.append("# ")
          .append(k.doc())
          .append('\n')
          .append(path)
          .append(" = ")
          .append(
              polku.hasPath(path)
                  ? polku.getValue(path).render(ConfigRenderOptions.concise())
                  : "null")
          .append('\n');
    }
  }
}
