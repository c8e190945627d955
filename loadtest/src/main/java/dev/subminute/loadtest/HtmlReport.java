package dev.subminute.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * A self-contained HTML page: the summary, drift over time and the percentile plot, as inline SVG.
 */
final class HtmlReport {
  private static final int W = 900;
  private static final int H = 300;
  private static final int PAD_L = 64;
  private static final int PAD_B = 40;
  private static final int PAD_T = 16;
  private static final int PAD_R = 170;

  private HtmlReport() {}

  record Series(String name, String color, List<double[]> points) {}

  static String render(
      String title,
      Map<String, String> summary,
      Histogram[] perSecond,
      long measureFromSecond,
      Histogram drift,
      Histogram lag) {
    StringBuilder html = new StringBuilder();
    html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
        .append(escape(title))
        .append("</title><style>")
        .append(
            "body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:32px auto;max-width:900px;color:#1d2330;background:#fbfbfd}")
        .append(
            "h1{font-size:22px;margin-bottom:4px}h2{font-size:16px;margin-top:32px;color:#39415a}.sub{color:#6b7280;margin-top:0}")
        .append(
            "table{border-collapse:collapse;font-size:14px}td{padding:4px 16px 4px 0;border-bottom:1px solid #e5e7eb}td:first-child{color:#6b7280}")
        .append(
            "svg{background:#fff;border:1px solid #e5e7eb;border-radius:8px}text{font-size:11px;fill:#4b5563}.legend text{font-size:12px}")
        .append("</style></head><body>");
    html.append("<h1>")
        .append(escape(title))
        .append(
            "</h1><p class=\"sub\">dispatch drift: the instant the controller dispatched each invoke minus its planned instant</p>");
    html.append("<table>");
    summary.forEach(
        (k, v) ->
            html.append("<tr><td>")
                .append(escape(k))
                .append("</td><td>")
                .append(escape(v))
                .append("</td></tr>"));
    html.append("</table>");

    List<double[]> p50 = new ArrayList<>();
    List<double[]> p99 = new ArrayList<>();
    List<double[]> max = new ArrayList<>();
    for (int s = 0; s < perSecond.length; s++) {
      Histogram h = perSecond[s];
      if (h.getTotalCount() == 0) {
        continue;
      }
      double t = s - measureFromSecond;
      p50.add(new double[] {t, h.getValueAtPercentile(50) / 1000.0});
      p99.add(new double[] {t, h.getValueAtPercentile(99) / 1000.0});
      max.add(new double[] {t, h.getMaxValue() / 1000.0});
    }
    html.append("<h2>Dispatch drift over time (per second)</h2>");
    html.append(
        chart(
            List.of(
                new Series("max", "#e4572e", max),
                new Series("p99", "#f3a712", p99),
                new Series("p50", "#2e86ab", p50)),
            "seconds since measuring began",
            "drift (ms)",
            false));

    html.append("<h2>Percentile distribution</h2>");
    html.append(
        chart(
            List.of(
                new Series("dispatch drift", "#2e86ab", percentiles(drift)),
                new Series("worker receipt lag", "#8f2d56", percentiles(lag))),
            "percentile",
            "ms",
            true));
    html.append("</body></html>\n");
    return html.toString();
  }

  /** x: -log10(1 - p), so 90%, 99%, 99.9% are evenly spaced. */
  static List<double[]> percentiles(Histogram h) {
    List<double[]> points = new ArrayList<>();
    if (h == null || h.getTotalCount() == 0) {
      return points;
    }
    for (HistogramIterationValue v : h.percentiles(5)) {
      double p = v.getPercentileLevelIteratedTo() / 100.0;
      if (p >= 1.0) {
        break;
      }
      points.add(new double[] {-Math.log10(1 - p), v.getValueIteratedTo() / 1000.0});
    }
    points.add(
        new double[] {
          Math.max(
              points.isEmpty() ? 0 : points.get(points.size() - 1)[0],
              -Math.log10(1.0 / h.getTotalCount())),
          h.getMaxValue() / 1000.0
        });
    return points;
  }

  static String chart(List<Series> series, String xLabel, String yLabel, boolean percentileAxis) {
    double xMax = 1e-9;
    double yMax = 1e-9;
    double xMin = Double.MAX_VALUE;
    for (Series s : series) {
      for (double[] p : s.points()) {
        xMax = Math.max(xMax, p[0]);
        xMin = Math.min(xMin, p[0]);
        yMax = Math.max(yMax, p[1]);
      }
    }
    if (xMin == Double.MAX_VALUE || xMin > 0) {
      xMin = 0;
    }
    yMax = niceCeiling(yMax);
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">",
            W,
            H,
            W,
            H));
    int plotW = W - PAD_L - PAD_R;
    int plotH = H - PAD_T - PAD_B;
    for (int i = 0; i <= 5; i++) {
      double y = PAD_T + plotH - plotH * i / 5.0;
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eef0f4\"/>",
              PAD_L,
              PAD_L + plotW,
              y,
              y));
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
              PAD_L - 6,
              y + 4,
              trim(yMax * i / 5)));
    }
    if (percentileAxis) {
      String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"};
      for (int d = 0; d <= Math.min(6, (int) Math.ceil(xMax)); d++) {
        double x = PAD_L + plotW * (d - xMin) / (xMax - xMin);
        svg.append(
            String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#eef0f4\"/>",
                x,
                x,
                PAD_T,
                PAD_T + plotH));
        svg.append(
            String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                x,
                PAD_T + plotH + 16,
                labels[d]));
      }
    } else {
      for (int i = 0; i <= 6; i++) {
        double v = xMin + (xMax - xMin) * i / 6;
        double x = PAD_L + plotW * i / 6.0;
        svg.append(
            String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                x,
                PAD_T + plotH + 16,
                trim(v)));
      }
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>",
            PAD_L + plotW / 2,
            H - 6,
            escape(xLabel)));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text transform=\"translate(14,%d) rotate(-90)\" text-anchor=\"middle\">%s</text>",
            PAD_T + plotH / 2,
            escape(yLabel)));
    int legendY = PAD_T + 8;
    for (Series s : series) {
      StringBuilder path = new StringBuilder();
      for (double[] p : s.points()) {
        double x = PAD_L + plotW * (p[0] - xMin) / (xMax - xMin);
        double y = PAD_T + plotH - plotH * Math.min(p[1], yMax) / yMax;
        path.append(path.length() == 0 ? "M" : "L")
            .append(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
      }
      if (path.length() > 0) {
        svg.append("<path d=\"")
            .append(path)
            .append("\" fill=\"none\" stroke=\"")
            .append(s.color())
            .append("\" stroke-width=\"1.6\" stroke-linejoin=\"round\"/>");
      }
      svg.append(
          String.format(
              Locale.ROOT,
              "<g class=\"legend\"><rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text></g>",
              PAD_L + plotW + 14,
              legendY,
              s.color(),
              PAD_L + plotW + 32,
              legendY + 5,
              escape(s.name())));
      legendY += 20;
    }
    svg.append("</svg>");
    return svg.toString();
  }

  private static double niceCeiling(double v) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
    for (double step : new double[] {1, 2, 2.5, 5, 10}) {
      if (step * magnitude >= v) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static String trim(double v) {
    return v >= 10
        ? String.format(Locale.ROOT, "%.0f", v)
        : v >= 1 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
