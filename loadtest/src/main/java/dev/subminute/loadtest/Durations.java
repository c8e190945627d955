package dev.subminute.loadtest;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** "100ms", "5s", "2m" and ranges "100ms..5s" as milliseconds. */
public final class Durations {
  private static final Pattern ONE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

  private Durations() {}

  public static long millis(String text) {
    Matcher m = ONE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not a duration; write e.g. 250ms, 5s or 2m");
    }
    double value = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    double factor =
        switch (unit) {
          case "s" -> 1_000;
          case "m" -> 60_000;
          case "h" -> 3_600_000;
          default -> 1;
        };
    return Math.round(value * factor);
  }

  /** {min, max}; a single duration gives min == max. */
  public static long[] range(String text) {
    String[] ends = text.split("\\.\\.");
    if (ends.length > 2) {
      throw new IllegalArgumentException("\"" + text + "\" is not a range; write e.g. 100ms..5s");
    }
    long min = millis(ends[0]);
    long max = ends.length == 2 ? millis(ends[1]) : min;
    if (max < min) {
      throw new IllegalArgumentException("range " + text + " ends before it starts");
    }
    return new long[] {min, max};
  }
}
