package io.polku.cli;

import io.polku.config.PolkuConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Options every lake command shares (--conf, --set): loading the configuration. Opening Spark and
 * the lake from it is {@link io.polku.session.PolkuSession}'s.
 */
public final class Environment {
  @Option(
      names = "--conf",
      paramLabel = "FILE",
      defaultValue = "conf/local.conf",
      description =
          "Configuration file (HOCON). Default: ${DEFAULT-VALUE}, looked up in the"
              + " current directory, then in POLKU_HOME.")
  String conf;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "Override one configuration key, e.g. --set polku.lake.root=/tmp/lake."
              + " A value starting with [, { or \" is HOCON: a list, e.g."
              + " --set 'polku.journeys.split-event-types=[purchase, cancel]'; any other value is"
              + " the string as written. Repeatable; wins over the file.")
  List<String> overrides = List.of();

  /** Loads the configuration with the command-line overrides. */
  public PolkuConfig config() {
    Map<String, String> over = new LinkedHashMap<>();
    for (String o : overrides) {
      int eq = o.indexOf('=');
      if (eq <= 0) {
        throw new io.polku.config.ConfigException(
            "--set " + o + " is not KEY=VALUE; expected" + " e.g. --set polku.lake.root=/tmp/lake");
      }
      over.put(o.substring(0, eq).trim(), o.substring(eq + 1).trim());
    }
    return PolkuConfig.load(confPath(), over);
  }

  private Path confPath() {
    Path p = Path.of(conf);
    if (!Files.exists(p) && !p.isAbsolute() && System.getenv("POLKU_HOME") != null) {
      Path home = Path.of(System.getenv("POLKU_HOME")).resolve(p);
      if (Files.exists(home)) {
        return home;
      }
    }
    return p;
  }
}
