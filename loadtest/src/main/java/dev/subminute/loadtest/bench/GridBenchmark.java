package dev.subminute.loadtest.bench;

import dev.subminute.model.GridSegment;
import dev.subminute.model.Job;
import dev.subminute.model.ProfileRule;
import dev.subminute.model.TickGrid;
import java.lang.management.ManagementFactory;
import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The tick grid's cost per call, and bytes allocated per call: a plain job, a job with a three-rule
 * profile, and the controller's per-tick path (a cached segment).
 *
 * <p>{@code java -cp loadtest/target/subminute.jar dev.subminute.loadtest.bench.GridBenchmark}
 */
public final class GridBenchmark {
  private static final int CALLS = 2_000_000;
  private static final int ROUNDS = 7;
  private static long sink;

  public static void main(String[] args) {
    Job plain = Job.builder("plain", "log", 1_000).offsetMs(250).build();
    Job profiled =
        Job.builder("profiled", "log", 60_000)
            .timezone(ZoneId.of("Europe/Berlin"))
            .profile(
                List.of(
                    new ProfileRule(
                        EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), 8 * 60, 20 * 60, 1_000),
                    new ProfileRule(
                        EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), 10 * 60, 16 * 60, 5_000),
                    new ProfileRule(EnumSet.allOf(DayOfWeek.class), 22 * 60, 6 * 60, 300_000)))
            .build();
    long[] instants = new long[4096];
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < instants.length; i++) {
      instants[i] = 1_767_225_600_000L + random.nextLong(365L * 86_400_000L);
    }
    GridSegment segment = TickGrid.segmentAt(plain, instants[0]);
    System.out.println(
        "tick grid, " + CALLS + " calls a round, median of " + ROUNDS + " rounds after warm-up");
    report(
        "plain job: TickGrid.nextAfter",
        () -> {
          long s = 0;
          for (int i = 0; i < CALLS; i++) {
            s += TickGrid.nextAfter(plain, instants[i & 4095]);
          }
          return s;
        },
        CALLS);
    report(
        "three-rule profile: TickGrid.nextAfter",
        () -> {
          long s = 0;
          for (int i = 0; i < CALLS / 20; i++) {
            s += TickGrid.nextAfter(profiled, instants[i & 4095]);
          }
          return s;
        },
        CALLS / 20);
    report(
        "per tick in the controller: GridSegment.nextAfter",
        () -> {
          long s = 0;
          for (int i = 0; i < CALLS; i++) {
            s += segment.nextAfter(instants[i & 4095]);
          }
          return s;
        },
        CALLS);
    System.out.println(sink == 42 ? "" : "(checksum " + Long.toHexString(sink) + ")");
  }

  interface Body {
    long run();
  }

  static void report(String name, Body body, int calls) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 5; i++) {
      sink += body.run();
    }
    double[] nanos = new double[ROUNDS];
    double[] bytes = new double[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      long allocBefore = threads.getCurrentThreadAllocatedBytes();
      long start = System.nanoTime();
      sink += body.run();
      nanos[r] = (System.nanoTime() - start) / (double) calls;
      bytes[r] = (threads.getCurrentThreadAllocatedBytes() - allocBefore) / (double) calls;
    }
    Arrays.sort(nanos);
    Arrays.sort(bytes);
    System.out.printf(
        Locale.ROOT,
        "%-52s %9.1f ns/call (min %.1f, max %.1f)  %8.2f bytes/call%n",
        name,
        nanos[ROUNDS / 2],
        nanos[0],
        nanos[ROUNDS - 1],
        bytes[ROUNDS / 2]);
  }
}
