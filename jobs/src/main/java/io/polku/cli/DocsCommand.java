package io.polku.cli;

import io.polku.config.ConfigDocs;
import io.polku.contract.TableDocs;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes the table reference or the configuration reference, generated from declarations. */
@Command(
    name = "docs",
    mixinStandardHelpOptions = true,
    description =
        "Write the table reference (every table and column with its meaning),"
            + " generated from the data contract, to --out; with --config, the configuration"
            + " reference (every key with its type, default, allowed values and meaning),"
            + " generated from the key declarations.")
public final class DocsCommand implements Callable<Integer> {
  @Option(
      names = "--out",
      description =
          "Output file. Default: docs/tables.md, with --config" + " docs/configuration.md.")
  Path out;

  @Option(names = "--config", description = "Write the configuration reference instead.")
  boolean config;

  @Override
  public Integer call() throws Exception {
    Path target = out != null ? out : Path.of(config ? "docs/configuration.md" : "docs/tables.md");
    if (config) {
      ConfigDocs.write(target);
    } else {
      TableDocs.write(target);
    }
    System.out.println("Wrote " + target);
    return ExitCodes.OK;
  }
}
