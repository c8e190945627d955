package dev.subminute.loadtest.bench;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A row's runs and, for every figure all of them report as a number, its median, min and max.
 *
 * @param measuredAt the minute the runs ended, ISO-8601 ("unrecorded" in files older than it)
 * @param command what one run ran; for a stored row, what it ran then
 */
record BenchResult(
    BenchRow row,
    List<Map<String, Object>> runs,
    Map<String, Double> median,
    Map<String, Double> min,
    Map<String, Double> max,
    String measuredAt,
    String command) {

  static BenchResult of(BenchRow row, List<Map<String, Object>> runs) {
    return of(row, runs, Instant.now().truncatedTo(ChronoUnit.MINUTES).toString(), commandOf(row));
  }

  /** A row measured earlier, from the JSON file {@link #json()} wrote. */
  @SuppressWarnings("unchecked")
  static BenchResult stored(BenchRow row, Map<String, Object> json) {
    return of(
        row.withId((String) json.get("id"), (String) json.get("label")),
        (List<Map<String, Object>>) json.get("runs"),
        (String) json.getOrDefault("measuredAt", "unrecorded"),
        (String) json.get("command"));
  }

  private static BenchResult of(
      BenchRow row, List<Map<String, Object>> runs, String measuredAt, String command) {
    Map<String, Double> median = new LinkedHashMap<>();
    Map<String, Double> min = new LinkedHashMap<>();
    Map<String, Double> max = new LinkedHashMap<>();
    for (String key : runs.get(0).keySet()) {
      if (runs.stream().allMatch(r -> r.get(key) instanceof Number)) {
        double[] values =
            runs.stream().mapToDouble(r -> ((Number) r.get(key)).doubleValue()).sorted().toArray();
        median.put(key, median(values));
        min.put(key, values[0]);
        max.put(key, values[values.length - 1]);
      }
    }
    return new BenchResult(row, List.copyOf(runs), median, min, max, measuredAt, command);
  }

  /** The command line of one run of the row, as the table shows it. */
  private static String commandOf(BenchRow row) {
    List<String> command = new ArrayList<>(List.of("java"));
    command.addAll(row.jvmOptions());
    command.addAll(Arrays.asList("-cp", "cli/target/subminute.jar"));
    command.addAll(row.commandFor("docs/results/logs/" + row.id() + "-<run>"));
    return String.join(" ", command);
  }

  /** The middle value; of an even count, the mean of the two middle ones. */
  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  String id() {
    return row.id();
  }

  /** The distinct values the runs report for a key, in the order first seen. */
  Set<String> distinct(String key) {
    Set<String> values = new LinkedHashSet<>();
    runs.forEach(r -> values.add(String.valueOf(r.get(key))));
    return values;
  }

  Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", row.id());
    json.put("table", row.table());
    json.put("label", row.label());
    json.put("command", command);
    json.put("measuredAt", measuredAt);
    json.put("median", median);
    json.put("min", min);
    json.put("max", max);
    json.put("runs", runs);
    return json;
  }
}
