package io.polku.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/**
 * Draws the report's charts server-side as SVG with JFreeChart and JFreeSVG: no JavaScript in the
 * report, so nothing to fail in the browser. Every data point is drawn inside its own {@code <g
 * class="mark">} (JFreeChart's element hinting), so a test counts the marks in the DOM; a null
 * value draws no mark. Colours: the Okabe-Ito palette (colour-blind safe).
 */
public final class ReportCharts {
  /** Okabe-Ito: blue, orange, bluish green, vermillion, sky blue, reddish purple, yellow. */
  public static final List<Color> PALETTE =
      List.of(
          new Color(0x0072B2),
          new Color(0xE69F00),
          new Color(0x009E73),
          new Color(0xD55E00),
          new Color(0x56B4E9),
          new Color(0xCC79A7),
          new Color(0xF0E442));

  static final String FONT = "SansSerif";
  static final int WIDTH = 720;

  private ReportCharts() {}

  /** One series of values, a value per category (null: no mark). */
  public record Series(String name, List<Double> values) {}

  /**
   * Horizontal grouped bars: one bar per category and series. Height grows with the categories so
   * that labels stay readable.
   */
  public static String bars(
      String id, List<String> categories, List<Series> series, String valueLabel, boolean percent) {
    DefaultCategoryDataset data = dataset(categories, series);
    CategoryPlot plot =
        new CategoryPlot(
            data, new CategoryAxis(null), numberAxis(valueLabel, percent), new BarRenderer());
    plot.setOrientation(PlotOrientation.HORIZONTAL);
    BarRenderer r = (BarRenderer) plot.getRenderer();
    r.setBarPainter(new StandardBarPainter());
    r.setShadowVisible(false);
    r.setDrawBarOutline(false);
    r.setItemMargin(0.05);
    r.setMaximumBarWidth(0.12);
    colour(r, series.size());
    style(plot);
    int height = Math.max(160, 70 + categories.size() * (14 + 14 * series.size()));
    return draw(id, plot, series.size() > 1, height);
  }

  /**
   * Lines with a dot per value over dates (a date axis: horizontal tick labels, which SVG keeps as
   * text; rotated category labels would be drawn as glyph outlines, ten times the bytes).
   */
  public static String lines(
      String id,
      List<java.time.LocalDate> dates,
      List<Series> series,
      String valueLabel,
      boolean percent) {
    org.jfree.data.time.TimeSeriesCollection data =
        new org.jfree.data.time.TimeSeriesCollection(java.util.TimeZone.getTimeZone("UTC"));
    for (Series s : series) {
      org.jfree.data.time.TimeSeries ts = new org.jfree.data.time.TimeSeries(s.name());
      for (int i = 0; i < dates.size(); i++) {
        if (s.values().get(i) != null) {
          java.time.LocalDate d = dates.get(i);
          ts.add(
              new org.jfree.data.time.Day(d.getDayOfMonth(), d.getMonthValue(), d.getYear()),
              s.values().get(i));
        }
      }
      data.addSeries(ts);
    }
    org.jfree.chart.axis.DateAxis x =
        new org.jfree.chart.axis.DateAxis(null, java.util.TimeZone.getTimeZone("UTC"), Locale.ROOT);
    x.setDateFormatOverride(
        new java.text.SimpleDateFormat("MMM d", Locale.ROOT) {
          private static final long serialVersionUID = 1L;

          {
            setTimeZone(java.util.TimeZone.getTimeZone("UTC"));
          }
        });
    x.setTickLabelFont(new Font(FONT, Font.PLAIN, 11));
    MarkedXyRenderer r = new MarkedXyRenderer();
    r.setDrawOutlines(false);
    org.jfree.chart.plot.XYPlot plot =
        new org.jfree.chart.plot.XYPlot(data, x, numberAxis(valueLabel, percent), r);
    for (int i = 0; i < series.size(); i++) {
      r.setSeriesStroke(i, new BasicStroke(2f));
      r.setSeriesShape(i, new java.awt.geom.Ellipse2D.Double(-3, -3, 6, 6));
      r.setSeriesPaint(i, PALETTE.get(i % PALETTE.size()));
    }
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xBBBBBB));
    plot.setDomainGridlinePaint(new Color(0xDDDDDD));
    plot.setOutlineVisible(false);
    return draw(id, plot, series.size() > 1, 340);
  }

  /**
   * Lines and dots with each dot in its own element group: JFreeChart's line renderer does not hint
   * its items itself (the bar renderer does).
   */
  private static final class MarkedXyRenderer
      extends org.jfree.chart.renderer.xy.XYLineAndShapeRenderer {
    private static final long serialVersionUID = 1L;

    MarkedXyRenderer() {
      super(true, true);
    }

    @Override
    public void drawItem(
        java.awt.Graphics2D g2,
        org.jfree.chart.renderer.xy.XYItemRendererState state,
        Rectangle2D dataArea,
        org.jfree.chart.plot.PlotRenderingInfo info,
        org.jfree.chart.plot.XYPlot plot,
        org.jfree.chart.axis.ValueAxis domainAxis,
        org.jfree.chart.axis.ValueAxis rangeAxis,
        org.jfree.data.xy.XYDataset dataset,
        int series,
        int item,
        org.jfree.chart.plot.CrosshairState crosshair,
        int pass) {
      boolean mark = isItemPass(pass);
      if (mark) {
        beginElementGroup(
            g2, new org.jfree.data.xy.XYItemKey<>(dataset.getSeriesKey(series), item));
      }
      super.drawItem(
          g2,
          state,
          dataArea,
          info,
          plot,
          domainAxis,
          rangeAxis,
          dataset,
          series,
          item,
          crosshair,
          pass);
      if (mark) {
        endElementGroup(g2);
      }
    }
  }

  private static DefaultCategoryDataset dataset(List<String> categories, List<Series> series) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Series s : series) {
      for (int i = 0; i < categories.size(); i++) {
        data.addValue(s.values().get(i), s.name(), categories.get(i));
      }
    }
    return data;
  }

  private static NumberAxis numberAxis(String label, boolean percent) {
    NumberAxis y = new NumberAxis(label);
    if (percent) {
      y.setNumberFormatOverride(java.text.NumberFormat.getPercentInstance(Locale.ROOT));
    }
    y.setLabelFont(new Font(FONT, Font.PLAIN, 12));
    y.setTickLabelFont(new Font(FONT, Font.PLAIN, 11));
    return y;
  }

  private static void colour(
      org.jfree.chart.renderer.category.AbstractCategoryItemRenderer r, int series) {
    for (int i = 0; i < series; i++) {
      r.setSeriesPaint(i, PALETTE.get(i % PALETTE.size()));
    }
  }

  private static void style(CategoryPlot plot) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xBBBBBB));
    plot.setOutlineVisible(false);
    plot.getDomainAxis().setTickLabelFont(new Font(FONT, Font.PLAIN, 11));
    plot.getDomainAxis().setMaximumCategoryLabelWidthRatio(0.45f);
  }

  private static String draw(
      String id, org.jfree.chart.plot.Plot plot, boolean legend, int height) {
    JFreeChart chart = new JFreeChart(null, new Font(FONT, Font.PLAIN, 12), plot, false);
    if (legend) {
      LegendTitle l = new LegendTitle((org.jfree.chart.LegendItemSource) plot);
      l.setPosition(RectangleEdge.TOP);
      l.setFrame(BlockBorder.NONE);
      l.setItemFont(new Font(FONT, Font.PLAIN, 12));
      chart.addLegend(l);
    }
    chart.setBackgroundPaint(Color.WHITE);
    chart.setElementHinting(true);
    chart.setID(id);
    SVGGraphics2D g = new SVGGraphics2D(WIDTH, height);
    chart.draw(g, new Rectangle(0, 0, WIDTH, height));
    return finish(g, id, height);
  }

  /**
   * The SVG element for inline HTML: scalable (viewBox, width from CSS), each data item's group
   * marked {@code class="mark"} with its key as {@code data-ref}.
   */
  private static String finish(SVGGraphics2D g, String id, int height) {
    String svg = shorten(g.getSVGElement(id, false, new ViewBox(0, 0, WIDTH, height), null, null));
    return svg.replace("jfreesvg:ref='{", "class=\"mark\" data-ref='{")
        .replace(" jfreesvg:ref='JFREECHART_TOP_LEVEL'", "")
        .replaceFirst(" xmlns:jfreesvg=(\"[^\"]*\"|'[^']*')", "")
        .replaceFirst("<svg ", "<svg role=\"img\" aria-labelledby=\"" + id + "-alt\" ");
  }

  private static final java.util.regex.Pattern TAG = java.util.regex.Pattern.compile("<[^>]+>");
  private static final java.util.regex.Pattern DECIMALS =
      java.util.regex.Pattern.compile("(\\d\\.\\d)\\d+");

  /**
   * Coordinates inside tags to one decimal (a tenth of a pixel at 720 px; JFreeSVG writes full
   * float precision, which doubles the file). Text content is left alone.
   */
  static String shorten(String svg) {
    java.util.regex.Matcher m = TAG.matcher(svg);
    StringBuilder out = new StringBuilder(svg.length());
    while (m.find()) {
      m.appendReplacement(
          out,
          java.util.regex.Matcher.quoteReplacement(DECIMALS.matcher(m.group()).replaceAll("$1")));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** A node of the icicle: a path prefix and the critical responses under it. */
  private static final class Node {
    final String name;
    long count;
    boolean leaf;
    final Map<String, Node> children = new LinkedHashMap<>();

    Node(String name) {
      this.name = name;
    }
  }

  /**
   * An icicle of paths: one column per step (the journey's channels, then the rated channel), each
   * box as high as the critical responses through it. A path's last box is its mark ({@code
   * class="mark"}), so there is one mark per path.
   */
  public static String icicle(String id, List<List<String>> paths, List<Long> counts) {
    Node root = new Node("all");
    int depth = 0;
    for (int i = 0; i < paths.size(); i++) {
      Node n = root;
      root.count += counts.get(i);
      for (String step : paths.get(i)) {
        n = n.children.computeIfAbsent(step, Node::new);
        n.count += counts.get(i);
      }
      n.leaf = true;
      depth = Math.max(depth, paths.get(i).size());
    }
    int height = 420;
    SVGGraphics2D g = new SVGGraphics2D(WIDTH, height);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, height);
    double colWidth = (WIDTH - 2.0) / Math.max(1, depth);
    List<String> channels = new ArrayList<>();
    drawChildren(g, id, root, 0, 1, height - 2, colWidth, channels, new int[1]);
    return finish(g, id, height);
  }

  private static void drawChildren(
      SVGGraphics2D g,
      String id,
      Node parent,
      int level,
      double top,
      double height,
      double colWidth,
      List<String> channels,
      int[] leaves) {
    double y = top;
    for (Node c : parent.children.values()) {
      double h = height * c.count / parent.count;
      String channel = c.name.startsWith("rated ") ? c.name.substring(6) : c.name;
      if (!channels.contains(channel)) {
        channels.add(channel);
      }
      Color fill = PALETTE.get(channels.indexOf(channel) % PALETTE.size());
      if (c.leaf && c.children.isEmpty()) {
        g.setRenderingHint(
            org.jfree.svg.SVGHints.KEY_BEGIN_GROUP,
            Map.of("id", id + "-leaf-" + (leaves[0]++), "ref", "{\"path\": \"" + c.name + "\"}"));
        g.setRenderingHint(org.jfree.svg.SVGHints.KEY_ELEMENT_TITLE, c.name + ": " + c.count);
      }
      Rectangle2D box =
          new Rectangle2D.Double(1 + level * colWidth, y, colWidth - 2, Math.max(0.5, h - 1));
      g.setColor(fill);
      g.fill(box);
      if (h >= 14) {
        g.setColor(
            fill.equals(PALETTE.get(0)) || fill.equals(PALETTE.get(3)) ? Color.WHITE : Color.BLACK);
        g.setFont(new Font(FONT, Font.PLAIN, 11));
        g.drawString(
            String.format(Locale.ROOT, "%s %d", c.name, c.count),
            (float) box.getX() + 4,
            (float) (y + Math.min(h, 28) / 2 + 4));
      }
      if (c.leaf && c.children.isEmpty()) {
        g.setRenderingHint(org.jfree.svg.SVGHints.KEY_END_GROUP, Boolean.TRUE);
      }
      drawChildren(g, id, c, level + 1, y, h, colWidth, channels, leaves);
      y += h;
    }
  }
}
