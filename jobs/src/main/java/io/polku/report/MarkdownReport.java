package io.polku.report;

import io.polku.report.Report.Block;
import io.polku.report.Report.Chart;
import io.polku.report.Report.Note;
import io.polku.report.Report.Section;
import io.polku.report.Report.Strip;
import io.polku.report.Report.StripStep;
import io.polku.report.Report.Strips;
import io.polku.report.Report.Table;
import io.polku.report.Report.Text;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link Report} as Markdown for wikis and chat: the same sections, text, notes and
 * tables; each chart as a linked SVG file ({@code <date>/<chart id>.svg}, relative to the Markdown
 * file) with its text alternative and its data table in a {@code <details>} block.
 */
public final class MarkdownReport {
  private MarkdownReport() {}

  /**
   * The files to write, by path relative to the output folder: {@code <date>.md} first, then the
   * charts' SVG files.
   */
  public static Map<String, String> render(Report report) {
    Map<String, String> files = new LinkedHashMap<>();
    String dir = report.date().toString();
    StringBuilder m = new StringBuilder();
    m.append("# ").append(report.title()).append("\n\n").append(report.subtitle()).append("\n\n");
    for (Section s : report.sections()) {
      m.append("- [").append(s.title()).append("](#").append(s.id()).append(")\n");
    }
    m.append('\n');
    for (Section s : report.sections()) {
      m.append("<a id=\"").append(s.id()).append("\"></a>\n\n## ").append(s.title()).append("\n\n");
      for (Block b : s.blocks()) {
        if (b instanceof Text t) {
          m.append(t.text()).append("\n\n");
        } else if (b instanceof Note n) {
          m.append("> **Note:** ").append(n.text()).append("\n\n");
        } else if (b instanceof Table t) {
          table(m, t);
        } else if (b instanceof Chart c) {
          String file = dir + "/" + c.id() + ".svg";
          files.put(file, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + c.svg() + "\n");
          m.append("**")
              .append(c.title())
              .append("**\n\n![")
              .append(mdText(c.alt()))
              .append("](")
              .append(file)
              .append(")\n\n")
              .append(c.alt())
              .append("\n\n")
              .append("<details><summary>The data (")
              .append(c.data().rows().size())
              .append(" rows)</summary>\n\n");
          table(m, c.data());
          m.append("</details>\n\n");
        } else if (b instanceof Strips ss) {
          for (Strip st : ss.strips()) {
            m.append("- ").append(st.caption()).append(": ");
            List<StripStep> steps = st.steps();
            for (int i = 0; i < steps.size(); i++) {
              StripStep p = steps.get(i);
              m.append(i == 0 ? "" : " → ")
                  .append('`')
                  .append(p.channel())
                  .append(' ')
                  .append(p.label().replace("`", "'"))
                  .append(p.failed() ? " ✖" : "")
                  .append('`');
            }
            m.append('\n');
          }
          m.append('\n');
        }
      }
    }
    Map<String, String> ordered = new LinkedHashMap<>();
    ordered.put(dir + ".md", m.toString());
    ordered.putAll(files);
    return ordered;
  }

  private static void table(StringBuilder m, Table t) {
    if (t.caption() != null) {
      m.append('*').append(t.caption()).append("*\n\n");
    }
    m.append('|');
    for (String h : t.header()) {
      m.append(' ').append(cell(h)).append(" |");
    }
    m.append("\n|");
    for (Boolean n : t.numeric()) {
      m.append(n ? "---:|" : "---|");
    }
    m.append('\n');
    for (List<String> r : t.rows()) {
      m.append('|');
      for (String c : r) {
        m.append(' ').append(cell(c)).append(" |");
      }
      m.append('\n');
    }
    m.append('\n');
  }

  private static String cell(String s) {
    return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
  }

  private static String mdText(String s) {
    return s.replace("[", "(").replace("]", ")").replace("\n", " ");
  }
}
