package dev.subminute.controller.core;

import dev.subminute.controller.time.SystemTimeSource;
import dev.subminute.controller.time.TimeSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The controller of dedicated placement, put together in one place for the Lambda handler, the
 * benchmarks and the tests: a timer loop on its own thread, a small pool for invokes, item polls
 * and window ends, and the controller over them.
 */
public final class DedicatedController implements AutoCloseable {
  private final ScheduledExecutorService background;
  private final TimerLoop loop;
  private final Controller controller;
  private final TimeSource time;

  private DedicatedController(Builder b) {
    time = b.time;
    background =
        Executors.newScheduledThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "subminute-io");
              t.setDaemon(true);
              return t;
            });
    loop =
        new TimerLoop(
                time, b.config, new TickDispatcher(b.invoker, background), b.listener, background)
            .start(b.timerThreadName);
    controller =
        new Controller(
                b.store,
                loop,
                new PollingJobFeed(b.store, background, b.config.refreshMs()),
                b.policy,
                b.config,
                time)
            .withMetrics(b.metrics);
  }

  public static Builder builder(JobStore store, WorkerInvoker invoker, WorkerPolicy policy) {
    return new Builder(store, invoker, policy);
  }

  public Controller controller() {
    return controller;
  }

  public TimeSource time() {
    return time;
  }

  /** Stops the timer thread and the pool; windows still running end without reporting. */
  @Override
  public void close() {
    loop.close();
    background.shutdownNow();
  }

  /** Defaults: Lambda's configuration, the precise real clock, no listener, no metrics. */
  public static final class Builder {
    private final JobStore store;
    private final WorkerInvoker invoker;
    private final WorkerPolicy policy;
    private ControllerConfig config = ControllerConfig.lambda();
    private TimeSource time;
    private TickListener listener = TickListener.NONE;
    private WindowMetrics metrics = WindowMetrics.NONE;
    private String timerThreadName = "subminute-timer";

    private Builder(JobStore store, WorkerInvoker invoker, WorkerPolicy policy) {
      this.store = store;
      this.invoker = invoker;
      this.policy = policy;
    }

    public Builder config(ControllerConfig config) {
      this.config = config;
      return this;
    }

    public Builder time(TimeSource time) {
      this.time = time;
      return this;
    }

    /** Sees every tick on the timer thread: must be allocation-free. */
    public Builder listener(TickListener listener) {
      this.listener = listener;
      return this;
    }

    public Builder metrics(WindowMetrics metrics) {
      this.metrics = metrics;
      return this;
    }

    public Builder timerThreadName(String name) {
      this.timerThreadName = name;
      return this;
    }

    /** Starts the timer thread. */
    public DedicatedController start() {
      if (time == null) {
        time = SystemTimeSource.precise();
      }
      return new DedicatedController(this);
    }
  }
}
