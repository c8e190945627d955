package dev.subminute.controller.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.subminute.controller.testing.FakeTimeSource;
import dev.subminute.controller.testing.RecordingInvoker;
import dev.subminute.model.Job;
import dev.subminute.model.Misfire;
import dev.subminute.model.ProfileRule;
import dev.subminute.model.WorkerEvent;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The timing core on virtual time: every wait and every fire, compared as a whole transcript. */
class TimerLoopTranscriptTest {
  static final ZoneId UTC = ZoneId.of("UTC");
  static final ControllerConfig CONFIG =
      new ControllerConfig(60_000, 10_000, 2_000, 1_000, 10_000, 1_000, 500);

  final List<String> transcript = new ArrayList<>();
  FakeTimeSource time;
  TimerLoop loop;
  final AtomicReference<WindowResult> result = new AtomicReference<>();

  void startAt(String utc, ZoneId transcriptZone) {
    time = new FakeTimeSource(Instant.parse(utc), transcript);
    RecordingInvoker invoker = new RecordingInvoker(transcript, transcriptZone);
    loop =
        new TimerLoop(
            time,
            CONFIG,
            new TickDispatcher(invoker, Runnable::run),
            TickListener.NONE,
            Runnable::run);
  }

  JobTimer window(Job job, Long lastPlanned, long windowMs) {
    result.set(null);
    return loop.startWindow(
        job, "exec-1", lastPlanned, time.monoNanos() + windowMs * 1_000_000, result::set);
  }

  void runUntilEnd() {
    for (int i = 0; i < 10_000 && result.get() == null; i++) {
      loop.runOnce();
    }
    assertNotNull(result.get(), "window did not end");
  }

  void runSteps(int steps) {
    for (int i = 0; i < steps; i++) {
      loop.runOnce();
    }
  }

  static Job job(long interval) {
    return Job.builder("j", "log", interval).build();
  }

  @Test
  void ticks_fall_on_the_grid_whenever_the_window_starts() {
    startAt("2026-11-26T00:00:00.300Z", UTC);
    window(job(1_000), null, 3_500);
    runUntilEnd();
    assertEquals(
        List.of(
            "sleep 0.700", "fire j @00:00:01.000",
            "sleep 1.000", "fire j @00:00:02.000",
            "sleep 1.000", "fire j @00:00:03.000"),
        transcript);
    assertEquals(WindowResult.Action.CONTINUE, result.get().action());
    assertEquals(Instant.parse("2026-11-26T00:00:03Z").toEpochMilli(), result.get().lastPlanned());
    assertEquals(3, result.get().fired());
  }

  /** Receives each tick 20 ms before its instant, with the instant it leaves at. */
  interface PreparedTick {
    void prepared(WorkerEvent event, long sendAtNanos);
  }

  /** Starts at {@code utc} with an invoker that prepares 20 ms ahead and a {@code listener}. */
  void startPreparingAt(String utc, PreparedTick onTick, TickListener listener) {
    time = new FakeTimeSource(Instant.parse(utc), transcript);
    WorkerInvoker preparing =
        new WorkerInvoker() {
          @Override
          public long prepareAheadNanos() {
            return 20_000_000;
          }

          @Override
          public CompletableFuture<Void> invoke(String workerArn, WorkerEvent event) {
            throw new AssertionError("a tick prepared ahead must carry its instant");
          }

          @Override
          public CompletableFuture<Void> invoke(
              String workerArn, WorkerEvent event, long sendAtNanos) {
            onTick.prepared(event, sendAtNanos);
            return CompletableFuture.completedFuture(null);
          }
        };
    loop =
        new TimerLoop(
            time, CONFIG, new TickDispatcher(preparing, Runnable::run), listener, Runnable::run);
  }

  @Test
  void an_invoker_that_prepares_ahead_gets_each_tick_early_to_send_at_its_instant() {
    List<String> calls = new ArrayList<>();
    long[] monoAtStart = new long[1];
    startPreparingAt(
        "2026-11-26T00:00:00.300Z",
        (event, sendAtNanos) ->
            calls.add(
                String.format(
                    Locale.ROOT,
                    "prepared at +%.3f to leave at +%.3f, firedAt %d",
                    (time.monoNanos() - monoAtStart[0]) / 1e9,
                    (sendAtNanos - monoAtStart[0]) / 1e9,
                    event.firedAtMicros())),
        TickListener.NONE);
    monoAtStart[0] = time.monoNanos();
    window(job(1_000), null, 2_500);
    runUntilEnd();

    long second1 = Instant.parse("2026-11-26T00:00:01Z").toEpochMilli() * 1_000;
    assertEquals(List.of("sleep 0.680", "sleep 1.000"), transcript);
    assertEquals(
        List.of(
            "prepared at +0.680 to leave at +0.700, firedAt " + second1,
            "prepared at +1.680 to leave at +1.700, firedAt " + (second1 + 1_000_000)),
        calls);
    assertEquals(2, result.get().fired());
    assertEquals(0, result.get().driftMaxMicros(), "a tick that leaves at its instant is on time");
  }

  @Test
  void a_tick_the_timer_reaches_after_its_instant_leaves_at_once_and_counts_as_late() {
    List<Long> sendAts = new ArrayList<>();
    long[] monoAtStart = new long[1];
    startPreparingAt(
        "2026-11-26T00:00:00.300Z",
        (event, sendAtNanos) -> sendAts.add(sendAtNanos - monoAtStart[0]),
        TickListener.NONE);
    monoAtStart[0] = time.monoNanos();
    time.stallNextWait(50); // the wait for the first tick's preparation ends 30 ms past its instant
    window(job(1_000), null, 1_500);
    runUntilEnd();

    assertEquals(List.of(730_000_000L), sendAts);
    // the drift histogram keeps two significant digits
    assertEquals(30_000, result.get().driftMaxMicros(), 300);
  }

  @Test
  void a_tick_prepared_ahead_is_held_to_its_shards_lease_at_the_instant_it_leaves() {
    assertEquals(List.of("missed"), hostedFirstTickWithLeaseUntil(690)); // prepared at 680
    assertEquals(List.of("fired"), hostedFirstTickWithLeaseUntil(710)); // leaves at 700
  }

  /** A hosted 1 s job from 00:00:00.300, ticks prepared 20 ms ahead: what became of its first. */
  private List<String> hostedFirstTickWithLeaseUntil(long leaseMsAfterStart) {
    transcript.clear();
    List<String> outcomes = new ArrayList<>();
    startPreparingAt(
        "2026-11-26T00:00:00.300Z",
        (event, sendAtNanos) -> {},
        new TickListener() {
          @Override
          public void fired(String jobId, long plannedAt, long driftNanos) {
            outcomes.add("fired");
          }

          @Override
          public void missed(String jobId, long plannedAt) {
            outcomes.add("missed");
          }
        });
    Fence fence = Fence.from(0);
    fence.confirm(time.monoNanos() + leaseMsAfterStart * 1_000_000);
    loop.startHosted(job(1_000), "host-1", null, fence, result::set);
    runSteps(3); // the start, the wait, the first tick
    return outcomes;
  }

  @Test
  void offset_shifts_the_grid() {
    startAt("2026-11-26T00:00:00.300Z", UTC);
    window(Job.builder("j", "log", 1_000).offsetMs(250).build(), null, 2_000);
    runUntilEnd();
    assertEquals(
        List.of("sleep 0.950", "fire j @00:00:01.250", "sleep 1.000", "fire j @00:00:02.250"),
        transcript);
  }

  @Test
  void interval_change_applies_from_the_next_tick_boundary() {
    startAt("2026-11-26T00:00:00Z", UTC);
    JobTimer timer = window(job(1_000), null, 4_000);
    runSteps(5); // the start, two waits, two fires
    loop.update(timer, job(300));
    runUntilEnd();
    assertEquals(
        List.of(
            "sleep 1.000", "fire j @00:00:01.000",
            "sleep 1.000", "fire j @00:00:02.000",
            "sleep 0.100", "fire j @00:00:02.100",
            "sleep 0.300", "fire j @00:00:02.400",
            "sleep 0.300", "fire j @00:00:02.700",
            "sleep 0.300", "fire j @00:00:03.000",
            "sleep 0.300", "fire j @00:00:03.300",
            "sleep 0.300", "fire j @00:00:03.600",
            "sleep 0.300", "fire j @00:00:03.900"),
        transcript);
  }

  @Test
  void profile_switches_at_08_00_local_time() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    startAt(
        LocalDateTime.parse("2026-11-26T07:59:52").atZone(berlin).toInstant().toString(), berlin);
    Job job =
        Job.builder("j", "log", 5_000)
            .timezone(berlin)
            .profile(
                List.of(
                    new ProfileRule(
                        EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), 8 * 60, 20 * 60, 1_000)))
            .build();
    window(job, null, 10_500);
    runUntilEnd();
    assertEquals(
        List.of(
            "sleep 3.000", "fire j @07:59:55.000",
            "sleep 5.000", "fire j @08:00:00.000",
            "sleep 1.000", "fire j @08:00:01.000",
            "sleep 1.000", "fire j @08:00:02.000"),
        transcript);
  }

  @Test
  void dst_gap_keeps_the_absolute_grid_and_the_rule_starts_when_the_clock_jumps() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    // 2026-03-29 02:00 CET jumps to 03:00 CEST; the rule 03:00-04:00 ticks every 500 ms
    startAt("2026-03-29T00:59:57Z", berlin);
    Job job =
        Job.builder("j", "log", 2_000)
            .timezone(berlin)
            .profile(List.of(new ProfileRule(EnumSet.allOf(DayOfWeek.class), 3 * 60, 4 * 60, 500)))
            .build();
    window(job, null, 4_200);
    runUntilEnd();
    assertEquals(
        List.of(
            "sleep 1.000", "fire j @01:59:58.000",
            "sleep 2.000", "fire j @03:00:00.000",
            "sleep 0.500", "fire j @03:00:00.500",
            "sleep 0.500", "fire j @03:00:01.000"),
        transcript);
  }

  @Test
  void stop_ends_the_window_without_another_fire() {
    startAt("2026-11-26T00:00:00Z", UTC);
    JobTimer timer = window(job(1_000), null, 10_000);
    runSteps(3); // the start, a wait, a fire
    loop.stop(timer, "running = false");
    runUntilEnd();
    assertEquals(List.of("sleep 1.000", "fire j @00:00:01.000"), transcript);
    assertEquals(WindowResult.Action.STOP, result.get().action());
    assertEquals("running = false", result.get().reason());
  }

  @Test
  void skip_counts_instants_missed_beyond_the_tolerance_and_fires_none_of_them() {
    startAt("2026-11-26T00:00:00Z", UTC);
    window(job(1_000), null, 8_000);
    runSteps(3);
    time.stallNextWait(3_700); // the wait for 00:00:02 returns at 00:00:05.700
    runUntilEnd();
    assertEquals(
        List.of(
            "sleep 1.000",
            "fire j @00:00:01.000",
            "sleep 4.700",
            "sleep 0.300",
            "fire j @00:00:06.000",
            "sleep 1.000",
            "fire j @00:00:07.000"),
        transcript);
    assertEquals(4, result.get().missed()); // 5 is 700 ms late: over half the interval
    assertEquals(3, result.get().fired());
  }

  @Test
  void fire_once_fires_the_latest_missed_instant_late_then_returns_to_the_grid() {
    startAt("2026-11-26T00:00:00Z", UTC);
    window(Job.builder("j", "log", 1_000).misfire(Misfire.FIRE_ONCE).build(), null, 8_000);
    runSteps(3);
    time.stallNextWait(3_700);
    runUntilEnd();
    assertEquals(
        List.of(
            "sleep 1.000", "fire j @00:00:01.000",
            "sleep 4.700", "fire j @00:00:05.000",
            "sleep 0.300", "fire j @00:00:06.000",
            "sleep 1.000", "fire j @00:00:07.000"),
        transcript);
    assertEquals(3, result.get().missed());
  }

  @Test
  void fire_once_adds_nothing_when_a_late_tick_within_the_tolerance_fires() {
    startAt("2026-11-26T00:00:00Z", UTC);
    window(Job.builder("j", "log", 1_000).misfire(Misfire.FIRE_ONCE).build(), null, 6_500);
    runSteps(3);
    time.stallNextWait(3_200); // 2, 3, 4 missed; 5 is 200 ms late and fires
    runUntilEnd();
    assertEquals(
        List.of(
            "sleep 1.000", "fire j @00:00:01.000",
            "sleep 4.200", "fire j @00:00:05.000",
            "sleep 0.800", "fire j @00:00:06.000"),
        transcript);
    assertEquals(3, result.get().missed());
  }

  @Test
  void late_within_the_tolerance_still_fires() {
    startAt("2026-11-26T00:00:00Z", UTC);
    window(job(1_000), null, 3_500);
    runSteps(3);
    time.stallNextWait(300);
    runUntilEnd();
    assertEquals(
        List.of(
            "sleep 1.000",
            "fire j @00:00:01.000",
            "sleep 1.300",
            "fire j @00:00:02.000",
            "sleep 0.700",
            "fire j @00:00:03.000"),
        transcript);
    assertEquals(0, result.get().missed());
  }

  @Test
  void handover_continues_on_the_grid_after_the_last_tick_without_repeating_it() {
    startAt("2026-11-26T00:00:00Z", UTC);
    window(job(1_000), null, 2_500);
    runUntilEnd();
    long last = result.get().lastPlanned();
    time.advanceMillis(120); // the state machine's transition and the next invocation's start
    transcript.add("handover");
    window(job(1_000), last, 2_500);
    runUntilEnd();
    assertEquals(
        List.of(
            "sleep 1.000",
            "fire j @00:00:01.000",
            "sleep 1.000",
            "fire j @00:00:02.000",
            "handover",
            "sleep 0.880",
            "fire j @00:00:03.000",
            "sleep 1.000",
            "fire j @00:00:04.000"),
        transcript);
  }

  @Test
  void handover_after_a_long_gap_counts_what_was_missed() {
    startAt("2026-11-26T00:00:00Z", UTC);
    window(job(1_000), null, 1_500);
    runUntilEnd();
    long last = result.get().lastPlanned();
    time.advanceMillis(4_000);
    window(job(1_000), last, 1_500);
    runUntilEnd();
    assertEquals(3, result.get().missed()); // 2, 3, 4 passed while no controller ran
    assertEquals(2, result.get().fired()); // 5, due as the window starts, and 6
  }

  @Test
  void far_next_tick_ends_the_window_with_wait_before_it() {
    startAt("2026-11-26T00:00:00Z", UTC);
    window(job(60_000), null, 600_000);
    runUntilEnd();
    assertEquals(List.of(), transcript);
    assertEquals(WindowResult.Action.WAIT, result.get().action());
    assertEquals(Instant.parse("2026-11-26T00:00:58Z").toEpochMilli(), result.get().resumeAtMs());
  }

  @Test
  void resumed_window_approaches_the_far_tick_precisely() {
    startAt("2026-11-26T00:00:58Z", UTC);
    window(job(60_000), null, 61_000);
    runUntilEnd();
    assertEquals(List.of("sleep 2.000", "fire j @00:01:00.000"), transcript);
    assertEquals(WindowResult.Action.WAIT, result.get().action());
  }
}
