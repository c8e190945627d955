package dev.subminute.loadtest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The README.md of a results folder: one table row per JSON file, and what the stepping found. */
final class MarkdownTable {
  private static final String[][] COLUMNS = {
    {"jobs", "jobs"},
    {"interval", "interval"},
    {"span s", "durationS"},
    {"handovers in span", "handoversInSpan"},
    {"invokes/s", "invokesPerSecond"},
    {"drift p50 ms", "driftP50Ms"},
    {"p90", "driftP90Ms"},
    {"p99", "driftP99Ms"},
    {"p99.9", "driftP999Ms"},
    {"max", "driftMaxMs"},
    {"transit p50 ms", "transitP50Ms"},
    {"transit p99", "transitP99Ms"},
    {"planned", "planned"},
    {"received", "received"},
    {"missed", "missed"},
    {"duplicated", "duplicated"},
    {"off-grid", "offGrid"},
    {"host CPU (cores)", "hostCpuCores"},
    {"host dispatch drift p99 / max ms (whole run)", "hostOwnCounts"},
    {"idle-core wake-up p99 / max ms", "idleCoreFloor"},
    {"host peak RSS MB", "hostPeakRssMb"},
    {"start-up s", "startupS"},
    {"host JVM options", "hostJvmOptions"},
    {"nice", "nice"},
    {"load avg at start", "loadAverageAtStart"},
    {"holds", "holds"},
  };

  private MarkdownTable() {}

  private static String cell(JsonNode value) {
    if (value == null) {
      return "";
    }
    if (value.has("dispatchDriftP99Ms")) { // the host's own counts
      return value.get("dispatchDriftP99Ms").asText()
          + " / "
          + value.get("dispatchDriftMaxMs").asText();
    }
    if (value.has("maxMs")) { // the wake-up floor
      return value.get("p99Ms").asText() + " / " + value.get("maxMs").asText();
    }
    return value.asText();
  }

  /** Rewrites the README.md of the folder named from its JSON files, without a run. */
  public static void main(String[] args) throws IOException {
    write(Path.of(args.length == 1 ? args[0] : "docs/results/host-capacity"));
  }

  static void write(Path folder) throws IOException {
    List<JsonNode> runs = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        runs.add(new ObjectMapper().readTree(f.toFile()));
      }
    }
    runs.sort(
        Comparator.comparing((JsonNode r) -> r.get("name").asText().startsWith("step"))
            .thenComparing(r -> r.get("interval").asText())
            .thenComparing(r -> r.get("durationS").asLong())
            .thenComparing(r -> r.get("jobs").asInt()));
    StringBuilder md = new StringBuilder();
    md.append("# Host capacity, measured as AWS would run it\n\n")
        .append("Written by `HostCapacityBenchmark` from the JSON files in this folder (one per")
        .append(" run). The host is a child JVM pinned to one core (`taskset`), with the host")
        .append(" Lambda's JVM options (Lambda's Java defaults, then what the stack adds; the")
        .append(" column says) and its timer thread's real-time priority and timer-slack tuning")
        .append(" off (`timerThread` in each file: the policy, nice and slack it ran with; since")
        .append(" 28 November an unprivileged user, `hostUid`, so no thread rises above nice 0, as")
        .append(" on Lambda, and `pollThread` the nice of its work beside the ticks); it invokes")
        .append(" through the AWS SDK Lambda client (EVENT) the host Lambda builds, on a loopback")
        .append(" Invoke endpoint that answers 202 after 20 ms. Drift is the endpoint's arrival")
        .append(" minus the planned instant; transit is the arrival minus the event's firedAt,")
        .append(" when the host sends it (a tick prepared ahead: its planned instant, so transit")
        .append(" equals drift; before that, when the timer fired it): the SDK client, the HTTP")
        .append(" hop and the endpoint. The idle-core")
        .append(" column is the host's core measured before the run, as long as the span, with")
        .append(" nothing of ours on it (`WakeupFloor`: a lone thread's wake-up lateness every 10")
        .append(" ms): no host on that core holds a max below it. A run holds when p99 ≤ 5 ms,")
        .append(" max ≤ 10 ms, 0 missed and 0 duplicated. `stealMsBySecondOfSpan` (since 28")
        .append(" November) is the time the hypervisor took from the host's core in each second,")
        .append(" in 10 ms clock ticks, beside `overMaxBoundBySecondOfSpan`;")
        .append(" `otherCoresStealMsBySecondOfSpan` the same for the endpoint's and dynalite's")
        .append(" cores, `hostOwnCounts.releaseLateness*` how late the host handed its")
        .append(" prepared invokes to the HTTP client after their instants, and (since the")
        .append(" morning of 28 November) `dynaliteCpuMsBySecondOfSpan` and")
        .append(" `endpointGcPauseMsBySecondOfSpan` what else held the endpoint's core in each")
        .append(" second: dynalite's CPU and the collection pauses of the JVM that stamps the")
        .append(" arrivals (run with `endpointJvmOptions`); `hostThreadCpuMsInLateSeconds` and")
        .append(" `hostThreadCpuMsMedianSecond` the CPU of each host thread in the seconds with")
        .append(" late ticks and in a median second, and `compilerThread` the nice of its JIT")
        .append(" compiler (since the evening of 28 November also `dispatchThread`, which")
        .append(" prepares the invokes ahead, `senderThread`, which releases them, and")
        .append(
            " `collectorThread`, a worker of the collector). Since midday on 28 November, the planned instants as the arrivals")
        .append(" grouped them: `ticksPerInstant` (how many ticks share one planned instant),")
        .append(" `firstOfInstantDriftMs` (how late the first of them arrived) and")
        .append(" `arrivalSpacingMicros` (the mean gap between consecutive arrivals of one")
        .append(" instant: the last's drift minus the first's, over one fewer than the ticks),")
        .append(" each as p50, p99 and max over the instants of the span, each sorted on its")
        .append(" own.\n\n");
    md.append("| run |");
    for (String[] c : COLUMNS) {
      md.append(' ').append(c[0]).append(" |");
    }
    md.append(" command |\n|---|");
    md.append("---|".repeat(COLUMNS.length)).append("---|\n");
    Map<String, int[]> stepping = new TreeMap<>();
    for (JsonNode run : runs) {
      md.append("| ").append(run.get("name").asText()).append(" |");
      for (String[] c : COLUMNS) {
        md.append(' ').append(cell(run.get(c[1]))).append(" |");
      }
      md.append(" `").append(run.get("command").asText()).append("` |\n");
      if (run.get("name").asText().startsWith("step")) {
        // steppings with other host JVM options found other counts: each is its own line
        String options = run.path("hostJvmOptions").asText().trim();
        String key =
            run.get("interval").asText()
                + ", "
                + run.get("durationS").asText()
                + " s runs after "
                + run.path("warmupS").asLong()
                + " s of warm-up"
                + (options.isEmpty() ? "" : ", host JVM options `" + options + "`");
        int[] found = stepping.computeIfAbsent(key, k -> new int[] {0, Integer.MAX_VALUE});
        int jobs = run.get("jobs").asInt();
        if (run.get("holds").asBoolean()) {
          found[0] = Math.max(found[0], jobs);
        } else {
          found[1] = Math.min(found[1], jobs);
        }
      }
    }
    if (!stepping.isEmpty()) {
      md.append("\n## Stepping\n\n");
      stepping.forEach(
          (key, found) ->
              md.append("- ")
                  .append(key)
                  .append(": the largest job count that held is ")
                  .append(found[0] == 0 ? "none" : Integer.toString(found[0]))
                  .append(
                      found[1] == Integer.MAX_VALUE
                          ? "; no count tried failed"
                          : "; " + found[1] + " did not hold")
                  .append(".\n"));
    }
    Files.writeString(folder.resolve("README.md"), md.toString());
  }
}
