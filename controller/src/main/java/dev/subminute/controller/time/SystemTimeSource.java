package dev.subminute.controller.time;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/**
 * The real clocks. Waits by parking until shortly before the deadline, then spinning for the last
 * {@code spinNanos}: a thread parked for long wakes 100 to 300 µs late on this class of machine
 * (the core sleeps deeply), while spinning alone burns a core. Spinning is capped at {@code
 * spinBudgetNanosPerSecond}, so a busy timer (thousands of ticks a second, its core already awake)
 * parks instead; with one core, or as {@link #parking()}, it never spins. The timer thread's timer
 * slack is set to 1 ns where Linux allows it (see {@link #tightenTimerSlack()}).
 */
public final class SystemTimeSource implements TimeSource {
  private static final long SECOND = 1_000_000_000L;

  /**
   * {@code -Dsubminute.timerTuning=off} leaves the timer thread as Lambda runs it: no real-time
   * priority, the default timer slack.
   */
  public static final String TUNING_PROPERTY = "subminute.timerTuning";

  /** What became of one tuning of the timer thread. */
  public enum Outcome {
    NOT_ATTEMPTED,
    APPLIED,
    FAILED,
    DISABLED
  }

  /** The outcomes of the last attempts in this process, for reports to record. */
  public record Tuning(Outcome realTimePriority, Outcome timerSlack) {}

  private static volatile Outcome realTimeOutcome = Outcome.NOT_ATTEMPTED;
  private static volatile Outcome timerSlackOutcome = Outcome.NOT_ATTEMPTED;

  private final Clock clock;
  private final long spinNanos;
  private final long spinBudgetNanosPerSecond;
  private long budgetWindowStart = System.nanoTime();
  private long spunInWindow;

  /** Spins up to 1 ms before each deadline, for at most 5% of a core. */
  public static SystemTimeSource precise() {
    return new SystemTimeSource(1_000_000, 50_000_000);
  }

  /**
   * Never spins: for a host Lambda, whose CPU is a share of one core (1,769 MB buys one vCPU's
   * worth) however many cores the JVM sees, so a spin takes the time the invokes it fires need.
   */
  public static SystemTimeSource parking() {
    return new SystemTimeSource(0, 0);
  }

  public SystemTimeSource(long spinNanos, long spinBudgetNanosPerSecond) {
    this(Clock.systemUTC(), spinNanos, spinBudgetNanosPerSecond);
  }

  public SystemTimeSource(long spinNanos) {
    this(Clock.systemUTC(), spinNanos, SECOND);
  }

  public SystemTimeSource(Clock clock, long spinNanos, long spinBudgetNanosPerSecond) {
    this(clock, spinNanos, spinBudgetNanosPerSecond, Runtime.getRuntime().availableProcessors());
  }

  /**
   * On a single core (a process pinned to one, as the host-capacity benchmark pins its host) the
   * timer never spins: the threads that send the ticks it just fired would wait for the core it
   * spins on. A Lambda shows more cores than its share of CPU, so a host passes no spin at all
   * ({@link #parking()}).
   */
  SystemTimeSource(Clock clock, long spinNanos, long spinBudgetNanosPerSecond, int cores) {
    this.clock = clock;
    this.spinNanos = cores > 1 ? spinNanos : 0;
    this.spinBudgetNanosPerSecond = spinBudgetNanosPerSecond;
  }

  /** How long before each deadline the timer spins instead of parking. */
  long spinNanos() {
    return spinNanos;
  }

  @Override
  public long monoNanos() {
    return System.nanoTime();
  }

  @Override
  public long wallMicros() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  /** Called by one thread, the timer thread: the spin budget is not shared. */
  @Override
  public void parkUntil(long deadlineNanos) {
    long now = System.nanoTime();
    if (now - budgetWindowStart > SECOND) {
      budgetWindowStart = now;
      spunInWindow = 0;
    }
    long spin = spunInWindow < spinBudgetNanosPerSecond ? spinNanos : 0;
    long remaining = deadlineNanos - now;
    if (remaining > spin) {
      LockSupport.parkNanos(remaining - spin);
      return;
    }
    while (System.nanoTime() - deadlineNanos < 0) {
      Thread.onSpinWait();
    }
    spunInWindow += System.nanoTime() - now;
  }

  @Override
  public void wake(Thread thread) {
    LockSupport.unpark(thread);
  }

  @Override
  public void prepareTimerThread() {
    tightenTimerSlack();
    raiseToRealTime();
  }

  /** Whether the timer thread's real-time priority and timer slack took effect. */
  public static Tuning tuning() {
    return new Tuning(realTimeOutcome, timerSlackOutcome);
  }

  /** False when {@link #TUNING_PROPERTY} is {@code off}. */
  public static boolean tuningEnabled() {
    return !"off".equals(System.getProperty(TUNING_PROPERTY));
  }

  /**
   * Asks Linux to wake the calling thread's timed waits without the default 50 µs slack; this cut
   * timer p99 from 0.13 ms to 0.09 ms on the reference machine. Does nothing elsewhere, or when
   * tuning is off; {@link #tuning()} tells which.
   */
  public static boolean tightenTimerSlack() {
    if (!tuningEnabled()) {
      timerSlackOutcome = Outcome.DISABLED;
      return false;
    }
    boolean applied;
    try {
      // the file exists per task as /proc/<tid>/timerslack_ns; /proc/thread-self names the tid
      Files.writeString(Path.of("/proc", threadId(), "timerslack_ns"), "1");
      applied = true;
    } catch (IOException | RuntimeException notLinux) {
      applied = false; // the default slack stays
    }
    timerSlackOutcome = applied ? Outcome.APPLIED : Outcome.FAILED;
    return applied;
  }

  /**
   * Gives the calling thread the real-time policy SCHED_FIFO at the lowest real-time priority, so
   * that a deadline wakes it ahead of every ordinary thread (on two busy cores an ordinary thread
   * waits up to a scheduler slice, several milliseconds). Needs CAP_SYS_NICE and {@code chrt};
   * without them nothing changes. The thread parks between deadlines and spins only within its
   * budget, and Linux caps real-time threads at 95% of a core, so nothing else starves. Does
   * nothing when tuning is off; {@link #tuning()} tells what happened.
   */
  public static boolean raiseToRealTime() {
    if (!tuningEnabled()) {
      realTimeOutcome = Outcome.DISABLED;
      return false;
    }
    boolean applied;
    try {
      Process chrt =
          new ProcessBuilder("chrt", "-f", "-p", "1", threadId()).redirectErrorStream(true).start();
      chrt.getInputStream().readAllBytes();
      applied = chrt.waitFor() == 0;
    } catch (IOException | RuntimeException e) {
      applied = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      applied = false;
    }
    realTimeOutcome = applied ? Outcome.APPLIED : Outcome.FAILED;
    return applied;
  }

  private static String threadId() throws IOException {
    return Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
  }
}
