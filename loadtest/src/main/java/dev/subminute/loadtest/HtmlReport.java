package dev.subminute.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
      SignedHistogram[] arrivalPerSecond,
      SignedHistogram[] dispatchPerSecond,
      SignedHistogram arrival,
      SignedHistogram dispatch) {
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
        .append("</h1><p class=\"sub\">arrival drift: the instant the receiver got each tick, by")
        .append(" its own clock, minus the planned instant (early arrivals below zero); dispatch")
        .append(" drift: the instant the controller dispatched the invoke minus the planned")
        .append(" instant</p>");
    html.append("<table>");
    summary.forEach(
        (k, v) ->
            html.append("<tr><td>")
                .append(escape(k))
                .append("</td><td>")
                .append(escape(v))
                .append("</td></tr>"));
    html.append("</table>");

    html.append("<h2>Arrival drift over time (per second)</h2>");
    html.append(overTime(arrivalPerSecond, true));
    html.append("<h2>Dispatch drift over time (per second)</h2>");
    html.append(overTime(dispatchPerSecond, false));
    html.append("<h2>Percentile distribution</h2>");
    html.append(
        chart(
            List.of(
                new Series("arrival drift", "#8f2d56", percentiles(arrival)),
                new Series("dispatch drift", "#2e86ab", percentiles(dispatch))),
            "percentile",
            "ms",
            true));
    html.append("</body></html>\n");
    return html.toString();
  }

  private static String overTime(SignedHistogram[] perSecond, boolean withMin) {
    List<double[]> p50 = new ArrayList<>();
    List<double[]> p99 = new ArrayList<>();
    List<double[]> max = new ArrayList<>();
    List<double[]> min = new ArrayList<>();
    for (int s = 0; s < perSecond.length; s++) {
      SignedHistogram h = perSecond[s];
      if (h.count() == 0) {
        continue;
      }
      p50.add(new double[] {s, h.valueAtPercentile(50) / 1000.0});
      p99.add(new double[] {s, h.valueAtPercentile(99) / 1000.0});
      max.add(new double[] {s, h.max() / 1000.0});
      min.add(new double[] {s, h.min() / 1000.0});
    }
    List<Series> series = new ArrayList<>();
    series.add(new Series("max", "#e4572e", max));
    series.add(new Series("p99", "#f3a712", p99));
    series.add(new Series("p50", "#2e86ab", p50));
    if (withMin) {
      series.add(new Series("min", "#4c956c", min));
    }
    return chart(series, "seconds since measuring began", "drift (ms)", false);
  }

  /** x: -log10(1 - p), so 90%, 99%, 99.9% are evenly spaced; the last point is the maximum. */
  static List<double[]> percentiles(SignedHistogram h) {
    List<double[]> points = new ArrayList<>();
    if (h.count() == 0) {
      return points;
    }
    double top = Math.log10(h.count());
    for (double x = 0; x < top; x += 0.05) {
      points.add(new double[] {x, h.valueAtPercentile(100 * (1 - Math.pow(10, -x))) / 1000.0});
    }
    points.add(new double[] {top, h.max() / 1000.0});
    return points;
  }

  static String chart(List<Series> series, String xLabel, String yLabel, boolean percentileAxis) {
    double xMax = 1e-9;
    double yMax = 1e-9;
    double yMin = 0;
    double xMin = Double.MAX_VALUE;
    for (Series s : series) {
      for (double[] p : s.points()) {
        xMax = Math.max(xMax, p[0]);
        xMin = Math.min(xMin, p[0]);
        yMax = Math.max(yMax, p[1]);
        yMin = Math.min(yMin, p[1]);
      }
    }
    if (xMin == Double.MAX_VALUE || xMin > 0) {
      xMin = 0;
    }
    yMax = niceCeiling(yMax);
    yMin = yMin < 0 ? -niceCeiling(-yMin) : 0;
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
              trim(yMin + (yMax - yMin) * i / 5)));
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
        double y = PAD_T + plotH - plotH * (Math.min(p[1], yMax) - yMin) / (yMax - yMin);
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
    double a = Math.abs(v);
    return a >= 10
        ? String.format(Locale.ROOT, "%.0f", v)
        : a >= 1 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
