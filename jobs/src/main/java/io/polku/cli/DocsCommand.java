package io.polku.cli;

import io.polku.contract.TableDocs;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes the table reference generated from the data contract. */
@Command(name = "docs", mixinStandardHelpOptions = true,
    description = "Write the table reference (every table and column with its meaning),"
        + " generated from the data contract, to --out.")
public final class DocsCommand implements Callable<Integer> {
  @Option(names = "--out", defaultValue = "docs/tables.md",
      description = "Output file. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Override
  public Integer call() throws Exception {
    TableDocs.write(out);
    System.out.println("Wrote " + out);
    return ExitCodes.OK;
  }
}
