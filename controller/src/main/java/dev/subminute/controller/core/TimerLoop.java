package dev.subminute.controller.core;

import dev.subminute.controller.time.TimeSource;
import dev.subminute.model.Job;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * One timer thread over a heap of absolute monotonic deadlines, hosting any number of job windows:
 * one on Lambda, thousands on the embedded runtime. Other threads talk to it only through commands,
 * so timer state has a single writer.
 */
public final class TimerLoop implements AutoCloseable {
  private static final long IDLE_PARK_NANOS = 1_000_000_000L;
  private static final int COMMANDS_PER_TURN = 64;

  /** A hosted timer's window: a century, so it never ends by time. */
  private static final long ENDLESS_NANOS = 100L * 365 * 24 * 3_600 * 1_000_000_000L;

  private final TimeSource time;
  private final ControllerConfig config;
  private final TickDispatcher dispatcher;
  private final TickListener listener;
  private final Executor completions;
  private final DeadlineHeap heap = new DeadlineHeap();
  private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
  private volatile Thread thread;
  private volatile boolean closed;

  public TimerLoop(
      TimeSource time,
      ControllerConfig config,
      TickDispatcher dispatcher,
      TickListener listener,
      Executor completions) {
    this.time = time;
    this.config = config;
    this.dispatcher = dispatcher;
    this.listener = listener;
    this.completions = completions;
  }

  /** Runs the loop on its own platform thread at maximum priority. */
  public TimerLoop start(String name) {
    Thread t =
        new Thread(
            () -> {
              time.prepareTimerThread();
              while (!closed) {
                runOnce();
              }
            },
            name);
    t.setDaemon(true);
    t.setPriority(Thread.MAX_PRIORITY);
    thread = t;
    t.start();
    return this;
  }

  /**
   * Starts a window for {@code job}: ticks after {@code lastPlanned} (or from now), until the
   * monotonic instant {@code windowEndNanos}; {@code onEnd} gets the result off the timer thread.
   */
  public JobTimer startWindow(
      Job job,
      String execution,
      Long lastPlanned,
      long windowEndNanos,
      Consumer<WindowResult> onEnd) {
    return startTimer(job, execution, lastPlanned, windowEndNanos, Fence.OPEN, true, onEnd);
  }

  /**
   * Starts a timer that runs until stopped or handed over, within {@code fence}: a shared host's
   * job. Instants before {@code fence.fromMs()} are not its own; with {@code lastPlanned}, the
   * instants after it that passed meanwhile count as missed (or one fires, for FIRE_ONCE).
   */
  public JobTimer startHosted(
      Job job, String host, Long lastPlanned, Fence fence, Consumer<WindowResult> onEnd) {
    return startTimer(
        job, host, lastPlanned, time.monoNanos() + ENDLESS_NANOS, fence, false, onEnd);
  }

  private JobTimer startTimer(
      Job job,
      String execution,
      Long lastPlanned,
      long windowEndNanos,
      Fence fence,
      boolean parks,
      Consumer<WindowResult> onEnd) {
    JobTimer timer =
        new JobTimer(this, job, execution, lastPlanned, windowEndNanos, fence, parks, onEnd);
    submit(() -> timer.start(time.monoNanos()));
    return timer;
  }

  /** Hands the timer's counts since the last call to {@code onCounts}, off the timer thread. */
  public void takeCounts(JobTimer timer, Consumer<TimerCounts> onCounts) {
    submit(
        () -> {
          TimerCounts counts = timer.takeCounts();
          completions.execute(() -> onCounts.accept(counts));
        });
  }

  /** Applies a changed item to a running window at the next tick boundary. */
  public void update(JobTimer timer, Job changed) {
    submit(() -> timer.update(changed, time.monoNanos()));
  }

  /** Ends a running window with STOP. */
  public void stop(JobTimer timer, String reason) {
    submit(() -> timer.stop(reason));
  }

  /**
   * How long before its instant each tick is dispatched, to be prepared: a tick prepared before its
   * timer stopped or its shard's fence closed still leaves, at most this long later.
   */
  public long prepareAheadNanos() {
    return dispatcher.prepareAheadNanos();
  }

  public int activeTimers() {
    return heap.size();
  }

  /**
   * One turn of the loop: run commands, fire what is due, or wait for the next deadline. Tests call
   * it directly with a fake time source instead of starting the thread.
   */
  public void runOnce() {
    Runnable command = commands.poll();
    if (command != null) {
      int budget = COMMANDS_PER_TURN;
      do {
        command.run();
      } while (--budget > 0 && (command = commands.poll()) != null);
      JobTimer due = heap.peek();
      if (due == null || due.deadlineNanos - time.monoNanos() > 0) {
        return;
      }
      // a burst of commands (thousands of timers starting at a handover) yields to due ticks
    }
    JobTimer head = heap.peek();
    long now = time.monoNanos();
    if (head == null) {
      time.parkUntil(now + IDLE_PARK_NANOS);
      return;
    }
    if (head.deadlineNanos - now > 0) {
      time.parkUntil(head.deadlineNanos);
      return;
    }
    heap.remove(head);
    head.onDue(now);
  }

  void schedule(JobTimer timer) {
    heap.update(timer);
  }

  void unschedule(JobTimer timer) {
    heap.remove(timer);
  }

  TimeSource time() {
    return time;
  }

  ControllerConfig config() {
    return config;
  }

  TickDispatcher dispatcher() {
    return dispatcher;
  }

  TickListener listener() {
    return listener;
  }

  Executor completions() {
    return completions;
  }

  private void submit(Runnable command) {
    commands.add(command);
    Thread t = thread;
    if (t != null) {
      time.wake(t);
    }
  }

  @Override
  public void close() {
    closed = true;
    Thread t = thread;
    if (t != null) {
      time.wake(t);
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
