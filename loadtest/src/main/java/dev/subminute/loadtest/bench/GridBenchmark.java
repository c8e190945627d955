package dev.subminute.loadtest.bench;

import dev.subminute.model.GridSegment;
import dev.subminute.model.Job;
import dev.subminute.model.ProfileRule;
import dev.subminute.model.TickGrid;
import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The tick grid's cost per call (JMH): a plain job, a job with a three-rule profile, and the
 * controller's per-tick path for that profiled job (its current segment cached, as {@code JobTimer}
 * keeps it). Allocation per call comes from JMH's {@code gc} profiler.
 *
 * <p>{@code java -cp cli/target/subminute.jar org.openjdk.jmh.Main GridBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GridBenchmark {
  static final Job PLAIN = Job.builder("plain", "log", 1_000).offsetMs(250).build();

  static final Job PROFILED =
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

  /** A Wednesday 10:00 in Berlin: the profile's weekday rule, 1 s ticks, holds until 20:00. */
  static final long WEEKDAY_MORNING = 1_767_776_400_000L;

  long[] anywhere = new long[4096];
  long[] withinSegment = new long[4096];
  GridSegment profiledSegment;
  int i;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(1);
    profiledSegment = TickGrid.segmentAt(PROFILED, WEEKDAY_MORNING);
    long span = profiledSegment.endExclusive() - WEEKDAY_MORNING - 1_000;
    for (int k = 0; k < anywhere.length; k++) {
      anywhere[k] = 1_767_225_600_000L + random.nextLong(365L * 86_400_000L);
      withinSegment[k] = WEEKDAY_MORNING + random.nextLong(span);
    }
  }

  @Benchmark
  public long plainJobNextAfter() {
    return TickGrid.nextAfter(PLAIN, anywhere[i++ & 4095]);
  }

  @Benchmark
  public long profiledJobNextAfter() {
    return TickGrid.nextAfter(PROFILED, anywhere[i++ & 4095]);
  }

  @Benchmark
  public long profiledJobCachedSegmentNextAfter() {
    return profiledSegment.nextAfter(withinSegment[i++ & 4095]);
  }
}
