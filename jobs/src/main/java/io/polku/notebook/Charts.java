package io.polku.notebook;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Small charts for notebooks, drawn with Java2D (headless) so the Java kernel shows them as images
 * without a plotting library: estimates with their intervals, one row per item.
 */
public final class Charts {
  private Charts() {}

  /**
   * A horizontal interval chart: for each label a dot at the estimate and a line from lower to
   * upper, on a shared axis from {@code min} to {@code max}; optionally a grey tick per row at a
   * reference value (e.g. the rate outside the segment, or a target), named in the legend.
   */
  public static BufferedImage intervals(
      String title,
      List<String> labels,
      double[] estimate,
      double[] lower,
      double[] upper,
      double min,
      double max,
      double[] reference,
      String referenceName) {
    if (labels.size() != estimate.length
        || estimate.length != lower.length
        || lower.length != upper.length) {
      throw new IllegalArgumentException(
          "labels, estimate, lower and upper have different"
              + " lengths ("
              + labels.size()
              + ", "
              + estimate.length
              + ", "
              + lower.length
              + ", "
              + upper.length
              + "); expected one value of each per label");
    }
    int rowH = 26;
    int labelW = 520;
    int plotW = 420;
    int top = 40;
    int width = labelW + plotW + 40;
    int height = top + rowH * labels.size() + 40;
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(title, 10, 22);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    double span = max - min;
    java.util.function.DoubleUnaryOperator x = v -> labelW + 10 + (v - min) / span * plotW;
    int axisY = top + rowH * labels.size() + 5;
    g.drawLine(labelW + 10, axisY, labelW + 10 + plotW, axisY);
    for (int i = 0; i <= 4; i++) {
      double v = min + span * i / 4;
      int px = (int) x.applyAsDouble(v);
      g.drawLine(px, axisY, px, axisY + 4);
      g.drawString(String.format(Locale.ROOT, "%.2f", v), px - 12, axisY + 18);
    }
    if (reference != null) {
      if (reference.length != labels.size()) {
        throw new IllegalArgumentException(
            "reference has "
                + reference.length
                + " values for "
                + labels.size()
                + " labels; expected one per label (or null)");
      }
      g.setColor(Color.GRAY);
      g.drawString("| " + referenceName, labelW + 10, top - 10);
    }
    for (int i = 0; i < labels.size(); i++) {
      int y = top + rowH * i + rowH / 2;
      g.setColor(Color.BLACK);
      String label = labels.get(i);
      g.drawString(label.length() > 80 ? label.substring(0, 77) + "..." : label, 10, y + 4);
      g.setColor(new Color(31, 119, 180));
      g.setStroke(new BasicStroke(2f));
      g.drawLine((int) x.applyAsDouble(lower[i]), y, (int) x.applyAsDouble(upper[i]), y);
      int cx = (int) x.applyAsDouble(estimate[i]);
      g.fillOval(cx - 4, y - 4, 8, 8);
      if (reference != null) {
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(2f));
        int rx = (int) x.applyAsDouble(reference[i]);
        g.drawLine(rx, y - 7, rx, y + 7);
      }
    }
    g.dispose();
    return img;
  }
}
