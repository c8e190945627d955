package dev.subminute.controller.testing;

import dev.subminute.controller.core.Controller;
import dev.subminute.controller.core.ControllerConfig;
import dev.subminute.controller.core.DedicatedController;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.dynamodb.DynamoJobStore;
import dev.subminute.controller.time.TimeSource;
import dev.subminute.model.dynamodb.JobTable;
import java.util.List;

/** A controller on the real clock against a real table, recording every invoke. */
public final class LocalController implements AutoCloseable {
  public static final ControllerConfig FAST =
      new ControllerConfig(2_000, 10_000, 2_000, 1_000, 5_000, 100, 500);

  public final RecordingInvoker invoker = new RecordingInvoker();
  public final SwitchableStore store;
  public final TimeSource time;
  public final Controller controller;
  private final DedicatedController dedicated;

  public LocalController(JobTable table, ControllerConfig config) {
    store = new SwitchableStore(new DynamoJobStore(table));
    dedicated =
        DedicatedController.builder(
                store,
                invoker,
                WorkerPolicy.allowing(
                    List.of("log", "drift-probe", "arn:aws:lambda:*:function:allowed-*")))
            .config(config)
            .timerThreadName("test-timer")
            .start();
    time = dedicated.time();
    controller = dedicated.controller();
  }

  public long windowEnd(long ms) {
    return time.monoNanos() + ms * 1_000_000L;
  }

  @Override
  public void close() {
    dedicated.close();
  }
}
