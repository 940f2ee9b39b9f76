package io.polku.cli;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options both benchmarks share: the generator's seed and the local work folder. */
final class BenchWork {
  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Generator seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--work",
      paramLabel = "DIR",
      description =
          "Local folder for the samples, the bench lakes and the results. Default:"
              + " <lake root>/_bench when the lake is local; required otherwise.")
  Path work;

  /** --work, or {@code _bench} under a local lake root. */
  Path dir(String lakeRoot) {
    if (work != null) {
      return work.toAbsolutePath();
    }
    URI uri = URI.create(lakeRoot);
    if (!"file".equals(uri.getScheme())) {
      throw new IllegalArgumentException(
          "the lake root "
              + lakeRoot
              + " is not local, so the"
              + " benchmark has no default work folder; expected a local lake or --work DIR;"
              + " pass --work with a local folder");
    }
    Path p = Path.of(uri).resolve("_bench");
    return Files.exists(p) ? p.toAbsolutePath() : p;
  }
}
