package dev.subminute.local;

import dev.subminute.controller.core.Controller;
import dev.subminute.controller.core.ControllerState;
import dev.subminute.controller.core.Executions;
import dev.subminute.controller.time.TimeSource;
import dev.subminute.model.JobStatus;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.dynamodb.StatusUpdate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Step Functions stand-in: one execution per job running the state machine's loop over the
 * controller task: CONTINUE runs the next window at once, WAIT schedules it at the resume instant,
 * STOP ends, continue-as-new restarts under the next name, and a failing window is retried with
 * backoff (as the state machine's catch does) with FAILED written on the item meanwhile.
 */
public final class LocalStepFunctions implements Executions {
  private static final long MAX_BACKOFF_MS = 30_000;

  private final Controller controller;
  private final JobTable table;
  private final TimeSource time;
  private final ScheduledExecutorService scheduler;
  private final Executor io;
  private final Map<String, Execution> executions = new ConcurrentHashMap<>();
  private final LongAdder windows = new LongAdder();
  private final LongAdder failedWindows = new LongAdder();
  private volatile boolean closed;
  private final String instance = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);

  public LocalStepFunctions(
      Controller controller,
      JobTable table,
      TimeSource time,
      ScheduledExecutorService scheduler,
      Executor io) {
    this.controller = controller;
    this.table = table;
    this.time = time;
    this.scheduler = scheduler;
    this.io = io;
  }

  private final class Execution {
    final String name;
    volatile ControllerState state;
    volatile boolean cancelled;
    int failures;

    Execution(String name, ControllerState state) {
      this.name = name;
      this.state = state;
    }
  }

  @Override
  public boolean start(String name, ControllerState input) {
    if (closed) {
      return false;
    }
    // names are unique per runtime; owners must be unique across runtimes sharing a table
    Execution execution =
        new Execution(name, ControllerState.start(input.jobId(), input.owner() + "@" + instance));
    if (executions.putIfAbsent(name, execution) != null) {
      return false;
    }
    io.execute(() -> step(execution));
    return true;
  }

  @Override
  public List<RunningExecution> running() {
    return executions.values().stream()
        .map(e -> new RunningExecution(e.name, e.name, e.state.jobId(), e.state.owner()))
        .toList();
  }

  @Override
  public void stop(RunningExecution execution, String cause) {
    Execution e = executions.remove(execution.name());
    if (e != null) {
      e.cancelled = true;
    }
  }

  public int size() {
    return executions.size();
  }

  public long windows() {
    return windows.sum();
  }

  public long failedWindows() {
    return failedWindows.sum();
  }

  private void step(Execution execution) {
    if (execution.cancelled || closed) {
      executions.remove(execution.name, execution);
      return;
    }
    // windows of 75% to 125% of the configured length, so that thousands of jobs started together
    // do not all hand over (and write status) in the same second
    long windowMs =
        (long)
            (controller.config().windowMs()
                * (0.75 + 0.5 * ThreadLocalRandom.current().nextDouble()));
    long windowEnd = time.monoNanos() + windowMs * 1_000_000L;
    try {
      controller
          .runWindow(execution.state, windowEnd)
          .whenComplete(
              (out, error) -> {
                if (error != null) {
                  retryLater(execution, error);
                } else {
                  windows.increment();
                  execution.failures = 0;
                  next(execution, out);
                }
              });
    } catch (RuntimeException e) {
      retryLater(execution, e);
    }
  }

  private void next(Execution execution, ControllerState out) {
    switch (out.action()) {
      case "CONTINUE" -> {
        if (out.continueAsNew()) {
          executions.remove(execution.name, execution);
          Execution successor = new Execution(out.nextExecutionName(), out.continuedAsNew());
          executions.put(successor.name, successor);
          io.execute(() -> step(successor));
        } else {
          execution.state = out;
          step(execution); // at once, on this thread: the next tick may be a few ms away
        }
      }
      case "WAIT" -> {
        execution.state = out;
        long delay = Math.max(0, out.resumeAtMs() - System.currentTimeMillis());
        scheduler.schedule(() -> io.execute(() -> step(execution)), delay, TimeUnit.MILLISECONDS);
      }
      default -> executions.remove(execution.name, execution);
    }
  }

  private void retryLater(Execution execution, Throwable error) {
    failedWindows.increment();
    execution.failures++;
    long backoff = Math.min(MAX_BACKOFF_MS, 500L << Math.min(execution.failures, 6));
    try {
      long now = System.currentTimeMillis();
      table.writeStatusAsOwner(
          execution.state.jobId(),
          execution.state.owner(),
          now + backoff + controller.config().leaseGraceMs(),
          now,
          StatusUpdate.of(
              JobStatus.FAILED,
              "The controller failed (" + error + "); retrying in " + backoff + " ms."));
    } catch (RuntimeException storageDown) {
      // the next successful window reports status again
    }
    scheduler.schedule(() -> io.execute(() -> step(execution)), backoff, TimeUnit.MILLISECONDS);
  }

  public void close() {
    closed = true;
    executions.values().forEach(e -> e.cancelled = true);
  }
}
