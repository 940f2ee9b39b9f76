package io.polku.ingest;

import io.polku.config.SourceConfig;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The files of a source that one run reads. A source with {@code file-date-pattern} is read only
 * from the glob matches (files, or folders such as {@code .../2026-10-30/}) whose path carries a
 * date within the run's dates widened by {@code file-date-margin-days} on both sides, plus the
 * matches that carry no date at all (so nothing is skipped by a name the pattern does not know). A
 * one-day run then reads the day's files, not the source's history. A source without the pattern is
 * read whole.
 *
 * <p>The margin is what makes this safe: a row's date is the UTC date of its timestamp, and an
 * export named by a local date, or one that also holds the previous day's late events, puts rows of
 * date D into the file of D - 1 or D + 1. Rows of the run's dates in files further away are not
 * read; re-running those dates with a wider margin picks them up.
 *
 * <p>Cost: one listing of each configured glob on the driver (names only, no data).
 */
public final class SourceFiles {
  private static final DateTimeFormatter COMPACT = DateTimeFormatter.BASIC_ISO_DATE;

  /**
   * What a run reads of one source.
   *
   * @param source the source, narrowed to the selected paths when a pattern is set
   * @param selected glob matches read; -1 when the source is read whole (no pattern)
   * @param listed glob matches found; -1 when the source is read whole
   */
  public record Selection(SourceConfig source, int selected, int listed) {
    /** A short note for progress lines and the run audit, empty when read whole. */
    public String note() {
      return listed < 0 ? "" : "files " + selected + " of " + listed;
    }
  }

  private SourceFiles() {}

  /** The files of {@code source} a run over {@code from .. to} reads. */
  public static Selection forRun(
      SparkSession spark, SourceConfig source, LocalDate from, LocalDate to) {
    if (source.fileDatePattern() == null) {
      return new Selection(source, -1, -1);
    }
    LocalDate first = from.minusDays(source.fileDateMarginDays());
    LocalDate last = to.plusDays(source.fileDateMarginDays());
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    List<String> keep = new ArrayList<>();
    int listed = 0;
    for (String p : SourceReader.existingPaths(spark, source)) {
      Path glob = new Path(p);
      try {
        FileSystem fs = glob.getFileSystem(hadoop);
        FileStatus[] matches = fs.globStatus(glob);
        for (FileStatus m : matches == null ? new FileStatus[0] : matches) {
          String name = m.getPath().getName();
          if (name.startsWith("_") || name.startsWith(".")) {
            continue;
          }
          listed++;
          LocalDate date = dateOf(source, m.getPath().toString());
          if (date == null || (!date.isBefore(first) && !date.isAfter(last))) {
            keep.add(m.getPath().toString());
          }
        }
      } catch (IOException e) {
        throw SourceReader.cannotList(source, p, e);
      }
    }
    return new Selection(source.withPaths(keep), keep.size(), listed);
  }

  /**
   * The date the source's pattern finds in {@code path} (its first group, or the whole match
   * without groups), as yyyy-MM-dd or yyyyMMdd; null when the pattern does not match or the text is
   * not a date.
   */
  public static LocalDate dateOf(SourceConfig source, String path) {
    Matcher m = source.fileDatePattern().matcher(path);
    if (!m.find()) {
      return null;
    }
    String text = m.groupCount() > 0 ? m.group(1) : m.group();
    if (text == null) {
      return null;
    }
    try {
      return text.length() == 8 ? LocalDate.parse(text, COMPACT) : LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
