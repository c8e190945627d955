package dev.subminute.controller.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.subminute.controller.time.SystemTimeSource.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The tuning of the timer thread reports what the kernel actually holds for the thread. */
class SystemTimeSourceTest {

  @Test
  void spins_before_a_deadline_only_with_a_second_core() {
    assertEquals(
        1_000_000, new SystemTimeSource(Clock.systemUTC(), 1_000_000, 50_000_000, 2).spinNanos());
    assertEquals(0, new SystemTimeSource(Clock.systemUTC(), 1_000_000, 50_000_000, 1).spinNanos());
  }

  /** What a fresh thread reports after trying both tunings: {realTime, slack, policy, slackNs}. */
  static Object[] tuneOnFreshThread() throws Exception {
    AtomicReference<Object[]> seen = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              SystemTimeSource.tightenTimerSlack();
              SystemTimeSource.raiseToRealTime();
              SystemTimeSource.Tuning tuning = SystemTimeSource.tuning();
              seen.set(
                  new Object[] {
                    tuning.realTimePriority(),
                    tuning.timerSlack(),
                    schedulingPolicy(),
                    timerSlackNanos()
                  });
            });
    t.start();
    t.join();
    return seen.get();
  }

  /** Field 41 of /proc/thread-self/stat: 0 is SCHED_OTHER, 1 SCHED_FIFO. */
  static String schedulingPolicy() {
    String stat = readThreadFile("stat");
    return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[38];
  }

  /** Linux keeps it per task at /proc/<tid>/timerslack_ns, not under /proc/thread-self. */
  static String timerSlackNanos() {
    try {
      String tid = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
      return Files.readString(Path.of("/proc", tid, "timerslack_ns")).strip();
    } catch (Exception notLinux) {
      return "unreadable";
    }
  }

  static String readThreadFile(String name) {
    try {
      return Files.readString(Path.of("/proc/thread-self", name)).strip();
    } catch (Exception notLinux) {
      return "unreadable";
    }
  }

  @Test
  void each_tuning_reports_whether_the_kernel_took_it() throws Exception {
    Object[] seen = tuneOnFreshThread();
    assertNotEquals(Outcome.NOT_ATTEMPTED, seen[0]);
    assertNotEquals(Outcome.DISABLED, seen[0]);
    assertEquals(seen[0] == Outcome.APPLIED ? "1" : "0", seen[2], "scheduling policy");
    // a real-time thread's slack reads 0: the kernel gives real-time tasks none
    assertEquals(
        seen[1] == Outcome.APPLIED,
        seen[3].equals("1") || seen[3].equals("0"),
        "timer slack " + seen[3] + " ns");
  }

  @Test
  void tuning_off_leaves_the_thread_as_lambda_runs_it_and_says_so() throws Exception {
    System.setProperty(SystemTimeSource.TUNING_PROPERTY, "off");
    try {
      Object[] seen = tuneOnFreshThread();
      assertEquals(Outcome.DISABLED, seen[0]);
      assertEquals(Outcome.DISABLED, seen[1]);
      assertEquals("0", seen[2], "scheduling policy");
      assertNotEquals("1", seen[3], "timer slack");
    } finally {
      System.clearProperty(SystemTimeSource.TUNING_PROPERTY);
    }
  }
}
