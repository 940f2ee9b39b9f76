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
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a {@link Report} as one self-contained HTML file: inline CSS, inline SVG charts, no
 * script, and a Content-Security-Policy that forbids fetching anything, so it opens offline from
 * disk. Each chart has a text alternative and its data as a table behind a {@code <details>}
 * disclosure. The layout is responsive (readable from 375 px up).
 */
public final class HtmlReport {
  private HtmlReport() {}

  static final String CSS =
      String.join(
          "\n",
          "*{box-sizing:border-box}",
          "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;"
              + "margin:0;color:#1a1a1a;background:#fafafa;line-height:1.45}",
          "main{max-width:1100px;margin:0 auto;padding:16px}",
          "header{padding:16px;background:#0072B2;color:#fff}",
          "header h1{margin:0 auto;max-width:1100px;font-size:1.5rem}",
          "header p{margin:4px auto 0;max-width:1100px}",
          "nav{max-width:1100px;margin:8px auto 0;display:flex;flex-wrap:wrap;gap:4px 12px}",
          "nav a{color:#fff}",
          "section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 16px;"
              + "margin:16px 0}",
          "h2{font-size:1.2rem;margin:4px 0 8px}",
          ".note{border-left:4px solid #E69F00;background:#fff8e6;padding:6px 10px;margin:8px 0}",
          "figure{margin:8px 0}",
          "figure svg{width:100%;height:auto;display:block}",
          "figcaption{font-weight:600;margin-bottom:4px}",
          ".alt{font-size:.9rem;color:#444}",
          ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}",
          "table{border-collapse:collapse;font-size:.9rem;margin:6px 0;min-width:50%}",
          "th,td{border-bottom:1px solid #e3e3e3;padding:4px 8px;text-align:left;"
              + "vertical-align:top}",
          "td.n,th.n{text-align:right;white-space:nowrap}",
          "caption{text-align:left;font-weight:600;padding:4px 0}",
          "details{margin:4px 0 12px}",
          "summary{cursor:pointer;color:#0072B2}",
          ".strip{margin:8px 0}",
          ".strip p{margin:2px 0;font-size:.9rem}",
          ".steps{display:flex;flex-wrap:wrap;gap:4px;list-style:none;padding:0;margin:0}",
          ".steps li{border:1px solid #bbb;border-left:6px solid var(--c);border-radius:4px;"
              + "padding:2px 6px;font-size:.8rem;background:#fff}",
          ".steps li.failed{border-color:#D55E00;border-left-color:var(--c);"
              + "background:#fdeee6}",
          ".steps li b{display:block;font-weight:600}",
          // On a phone a chart keeps a readable size and scrolls sideways, like the tables.
          ".chart{overflow-x:auto;-webkit-overflow-scrolling:touch}",
          "@media (max-width:600px){main{padding:8px}section{padding:8px}"
              + "header h1{font-size:1.2rem}table{font-size:.8rem}figure svg{min-width:540px}}");

  /** The HTML document. */
  public static String render(Report report) {
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';")
        .append(" style-src 'unsafe-inline'; img-src data:\">\n")
        .append("<title>")
        .append(esc(report.title()))
        .append("</title>\n<style>\n")
        .append(CSS)
        .append("\n</style>\n</head>\n<body>\n<header>\n<h1>")
        .append(esc(report.title()))
        .append("</h1>\n<p>")
        .append(esc(report.subtitle()))
        .append("</p>\n<nav>");
    for (Section s : report.sections()) {
      h.append("<a href=\"#").append(s.id()).append("\">").append(esc(s.title())).append("</a>");
    }
    h.append("</nav>\n</header>\n<main>\n");
    List<String> channels = new ArrayList<>();
    for (Section s : report.sections()) {
      h.append("<section id=\"")
          .append(s.id())
          .append("\">\n<h2>")
          .append(esc(s.title()))
          .append("</h2>\n");
      for (Block b : s.blocks()) {
        block(h, b, channels);
      }
      h.append("</section>\n");
    }
    h.append("</main>\n</body>\n</html>\n");
    return h.toString();
  }

  private static void block(StringBuilder h, Block b, List<String> channels) {
    if (b instanceof Text t) {
      h.append("<p>").append(esc(t.text())).append("</p>\n");
    } else if (b instanceof Note n) {
      h.append("<p class=\"note\">").append(esc(n.text())).append("</p>\n");
    } else if (b instanceof Table t) {
      table(h, t);
    } else if (b instanceof Chart c) {
      h.append("<figure id=\"")
          .append(c.id())
          .append("-figure\">\n<figcaption>")
          .append(esc(c.title()))
          .append("</figcaption>\n<div class=\"chart\">")
          .append(c.svg())
          .append("</div>\n")
          .append("<p class=\"alt\" id=\"")
          .append(c.id())
          .append("-alt\">")
          .append(esc(c.alt()))
          .append("</p>\n<details><summary>The data (")
          .append(c.data().rows().size())
          .append(" rows)</summary>\n");
      table(h, c.data());
      h.append("</details>\n</figure>\n");
    } else if (b instanceof Strips ss) {
      for (Strip s : ss.strips()) {
        h.append("<div class=\"strip\"><p>")
            .append(esc(s.caption()))
            .append("</p><ol class=\"steps\">");
        for (StripStep st : s.steps()) {
          if (!channels.contains(st.channel())) {
            channels.add(st.channel());
          }
          Color c =
              ReportCharts.PALETTE.get(
                  channels.indexOf(st.channel()) % ReportCharts.PALETTE.size());
          h.append("<li")
              .append(st.failed() ? " class=\"failed\"" : "")
              .append(" style=\"--c:#")
              .append(String.format("%06X", c.getRGB() & 0xFFFFFF))
              .append("\"><b>")
              .append(esc(st.channel()))
              .append("</b>")
              .append(esc(st.label()))
              .append(st.failed() ? " \u2716" : "")
              .append("</li>");
        }
        h.append("</ol></div>\n");
      }
    }
  }

  private static void table(StringBuilder h, Table t) {
    h.append("<div class=\"scroll\"><table>");
    if (t.caption() != null) {
      h.append("<caption>").append(esc(t.caption())).append("</caption>");
    }
    h.append("<thead><tr>");
    for (int i = 0; i < t.header().size(); i++) {
      h.append("<th scope=\"col\"")
          .append(t.numeric().get(i) ? " class=\"n\"" : "")
          .append('>')
          .append(esc(t.header().get(i)))
          .append("</th>");
    }
    h.append("</tr></thead><tbody>\n");
    for (List<String> r : t.rows()) {
      h.append("<tr>");
      for (int i = 0; i < r.size(); i++) {
        h.append("<td")
            .append(t.numeric().get(i) ? " class=\"n\"" : "")
            .append('>')
            .append(esc(r.get(i)))
            .append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</tbody></table></div>\n");
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
