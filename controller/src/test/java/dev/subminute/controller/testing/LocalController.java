package dev.subminute.controller.testing;

import dev.subminute.controller.core.Controller;
import dev.subminute.controller.core.ControllerConfig;
import dev.subminute.controller.core.PollingJobFeed;
import dev.subminute.controller.core.TickDispatcher;
import dev.subminute.controller.core.TickListener;
import dev.subminute.controller.core.TimerLoop;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.dynamodb.DynamoJobStore;
import dev.subminute.controller.time.SystemTimeSource;
import dev.subminute.model.dynamodb.JobTable;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** A controller on the real clock against a real table, recording every invoke. */
public final class LocalController implements AutoCloseable {
  public static final ControllerConfig FAST =
      new ControllerConfig(2_000, 10_000, 2_000, 1_000, 5_000, 100, 500);

  public final RecordingInvoker invoker = new RecordingInvoker();
  public final SwitchableStore store;
  public final SystemTimeSource time = SystemTimeSource.precise();
  public final ScheduledExecutorService background = Executors.newScheduledThreadPool(2);
  public final TimerLoop loop;
  public final Controller controller;

  public LocalController(JobTable table, ControllerConfig config) {
    loop =
        new TimerLoop(
                time,
                config,
                new TickDispatcher(invoker, background),
                TickListener.NONE,
                background)
            .start("test-timer");
    store = new SwitchableStore(new DynamoJobStore(table));
    controller =
        new Controller(
            store,
            loop,
            new PollingJobFeed(store, background, config.refreshMs()),
            WorkerPolicy.allowing(
                List.of("log", "drift-probe", "arn:aws:lambda:*:function:allowed-*")),
            config,
            time);
  }

  public long windowEnd(long ms) {
    return time.monoNanos() + ms * 1_000_000L;
  }

  @Override
  public void close() {
    loop.close();
    background.shutdownNow();
  }
}
