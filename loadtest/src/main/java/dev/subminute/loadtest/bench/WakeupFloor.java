package dev.subminute.loadtest.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The floor under any tick on one core: a lone thread, pinned to the core with {@code taskset},
 * parks until a deadline every period on the monotonic clock and records how late it woke. Nothing
 * else of ours runs on that core and the loop allocates nothing, so its lateness is what the
 * machine (kernel, hypervisor, neighbours) adds by itself: no host on that core can hold a maximum
 * below the floor's.
 *
 * <pre>
 * taskset -c 1 java -cp cli/target/subminute.jar dev.subminute.loadtest.bench.WakeupFloor 10 300000
 * </pre>
 *
 * Arguments: period in ms, duration in ms. Prints one JSON line of its figures.
 */
public final class WakeupFloor {
  private WakeupFloor() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: WakeupFloor PERIOD_MS DURATION_MS");
      System.exit(2);
    }
    Histogram late = measure(Long.parseLong(args[0]), Long.parseLong(args[1]));
    System.out.println(new ObjectMapper().writeValueAsString(figures(late)));
  }

  /** Wakes every {@code periodMs} for {@code durationMs}; the lateness of each wake-up, in µs. */
  static Histogram measure(long periodMs, long durationMs) {
    Histogram late = new Histogram(60_000_000L, 3);
    long period = TimeUnit.MILLISECONDS.toNanos(periodMs);
    long next = System.nanoTime() + period;
    long end = next + TimeUnit.MILLISECONDS.toNanos(durationMs);
    while (next < end) {
      long now;
      while ((now = System.nanoTime()) < next) {
        LockSupport.parkNanos(next - now);
      }
      late.recordValue((now - next) / 1_000);
      next += period;
    }
    return late;
  }

  static Map<String, Object> figures(Histogram lateMicros) {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("wakeups", lateMicros.getTotalCount());
    figures.put("p50Ms", lateMicros.getValueAtPercentile(50) / 1000.0);
    figures.put("p99Ms", lateMicros.getValueAtPercentile(99) / 1000.0);
    figures.put("p999Ms", lateMicros.getValueAtPercentile(99.9) / 1000.0);
    figures.put("maxMs", lateMicros.getMaxValue() / 1000.0);
    figures.put(
        "over10Ms",
        lateMicros.getTotalCount()
            - lateMicros.getCountBetweenValues(
                0, lateMicros.highestEquivalentValue(HostCapacityBenchmark.MAX_BOUND_MICROS)));
    return figures;
  }

  /** Runs the probe as a child JVM pinned to {@code cpu} and returns its figures. */
  static Map<String, Object> onCore(int cpu, long periodMs, long durationMs, String classpath)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            HostChild.javaOnCore(cpu, "-XX:+UseSerialGC -Xmx64m", classpath, WakeupFloor.class));
    command.addAll(List.of(Long.toString(periodMs), Long.toString(durationMs)));
    Process probe =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out;
    try (InputStream in = probe.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
    if (probe.waitFor() != 0 || out.isEmpty()) {
      throw new IllegalStateException(
          "the wake-up probe on core " + cpu + " failed (exit " + probe.exitValue() + ")");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> figures = new ObjectMapper().readValue(out, Map.class);
    return figures;
  }
}
