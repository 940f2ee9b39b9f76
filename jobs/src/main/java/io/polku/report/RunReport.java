package io.polku.report;

import io.polku.lake.Lake;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes the run report of one date: {@code <date>.html} (or {@code .md} with its SVG files) in the
 * report folder (default {@code <lake root>/reports}, any Hadoop file system, S3 included), and
 * {@code latest.html} / {@code latest.md} when no later date has a report there. Each file is
 * written to a temporary name and renamed, so a reader never sees half a report.
 *
 * <p>Cost: the small queries of {@link ReportQueries} (seconds); nothing grows with the data beyond
 * the bounded rows they collect.
 */
public final class RunReport {
  /** The folder under the lake root that holds the reports. */
  public static final String FOLDER = "reports";

  private static final Pattern DATED = Pattern.compile("\\d{4}-\\d{2}-\\d{2}\\.(html|md)");

  private RunReport() {}

  /** The report's format. */
  public enum Format {
    HTML,
    MD;

    /** Parses html or md; the message names the value and the choices. */
    public static Format parse(String s) {
      return switch (s == null ? "" : s.toLowerCase(Locale.ROOT)) {
        case "html" -> HTML;
        case "md", "markdown" -> MD;
        default ->
            throw new IllegalArgumentException(
                "--format " + s + " is not a report" + " format; expected html or md");
      };
    }

    String extension() {
      return this == HTML ? "html" : "md";
    }
  }

  /** What was written. */
  public record Result(
      LocalDate date, List<String> files, long bytes, Duration duration, Report report) {}

  /** The default report folder of a lake. */
  public static String defaultFolder(Lake lake) {
    return lake.root() + "/" + FOLDER;
  }

  /**
   * Builds and writes the report of {@code date} (null: the last date of the latest succeeded run)
   * for {@code runId} (null: the latest run covering the date) into {@code folder} (null: {@link
   * #defaultFolder}).
   */
  public static Result write(
      Lake lake, LocalDate date, String runId, String folder, Format format) {
    Instant started = Instant.now();
    ReportQueries queries = new ReportQueries(lake);
    LocalDate day =
        date != null
            ? date
            : queries
                .latestRunDate()
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "no succeeded run in the lake's run_audit at "
                                + lake.root()
                                + ", so there is no date to report; run `bin/polku nightly` first,"
                                + " or pass --date D"));
    Report report = new ReportBuilder(queries).build(day, runId);
    Map<String, String> files =
        format == Format.HTML
            ? Map.of(day + ".html", HtmlReport.render(report))
            : MarkdownReport.render(report);
    String dir = folder != null ? folder : defaultFolder(lake);
    List<String> written = new ArrayList<>();
    long bytes = 0;
    try {
      Path base = new Path(dir);
      FileSystem fs = base.getFileSystem(lake.spark().sparkContext().hadoopConfiguration());
      fs.setWriteChecksum(false); // no .crc files beside the report on a local disk
      fs.mkdirs(base);
      boolean latest = isLatest(fs, base, day);
      String main = day + "." + format.extension();
      for (Map.Entry<String, String> f : files.entrySet()) {
        byte[] content = f.getValue().getBytes(StandardCharsets.UTF_8);
        bytes += content.length;
        written.add(put(fs, new Path(base, f.getKey()), content));
        if (latest && f.getKey().equals(main)) {
          written.add(put(fs, new Path(base, "latest." + format.extension()), content));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the report of "
              + day
              + " to "
              + dir
              + ": "
              + e.getMessage()
              + "; expected a writable folder; pass another with --out DIR",
          e);
    }
    return new Result(day, written, bytes, Duration.between(started, Instant.now()), report);
  }

  /** Whether no report of a later date than {@code day} is in the folder. */
  private static boolean isLatest(FileSystem fs, Path base, LocalDate day) throws IOException {
    for (FileStatus s : fs.listStatus(base)) {
      String name = s.getPath().getName();
      if (DATED.matcher(name).matches() && LocalDate.parse(name.substring(0, 10)).isAfter(day)) {
        return false;
      }
    }
    return true;
  }

  private static String put(FileSystem fs, Path target, byte[] content) throws IOException {
    fs.mkdirs(target.getParent());
    Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp");
    try (OutputStream out = fs.create(tmp, true)) {
      out.write(content);
    }
    fs.delete(target, false);
    if (!fs.rename(tmp, target)) {
      throw new IOException("rename of " + tmp + " to " + target + " failed");
    }
    return target.toString();
  }
}
