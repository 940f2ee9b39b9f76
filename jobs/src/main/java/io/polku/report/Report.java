package io.polku.report;

import java.time.LocalDate;
import java.util.List;

/**
 * The run report's content, independent of its format: sections of blocks (text, notes, tables,
 * charts with their data, journey step strips). {@link HtmlReport} and {@link MarkdownReport}
 * render the same content.
 */
public record Report(LocalDate date, String title, String subtitle, List<Section> sections) {

  /** A block of a section. */
  public sealed interface Block permits Text, Note, Table, Chart, Strips {}

  /** A paragraph. */
  public record Text(String text) implements Block {}

  /** A plain statement that there is nothing to show, and why. */
  public record Note(String text) implements Block {}

  /** A table; {@code numeric} marks the columns aligned right. */
  public record Table(
      String caption, List<String> header, List<List<String>> rows, List<Boolean> numeric)
      implements Block {}

  /**
   * A chart: its SVG, a text alternative, and the data it draws as a table. {@code marks} is the
   * number of data marks drawn.
   */
  public record Chart(String id, String title, String svg, String alt, Table data)
      implements Block {}

  /** Example journeys, each a strip of steps. */
  public record Strips(List<Strip> strips) implements Block {}

  /** One journey: a caption and its steps (oldest first). */
  public record Strip(String caption, List<StripStep> steps) {}

  /** A step of a strip: channel, what happened, and whether it failed. */
  public record StripStep(String channel, String label, boolean failed) {}

  /** A section with an anchor id. */
  public record Section(String id, String title, List<Block> blocks) {}

  public Report {
    sections = List.copyOf(sections);
  }
}
