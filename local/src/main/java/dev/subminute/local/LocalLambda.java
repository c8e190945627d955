package dev.subminute.local;

import dev.subminute.controller.core.WorkerInvoker;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.model.WorkerArns;
import dev.subminute.model.WorkerEvent;
import dev.subminute.worker.Worker;
import dev.subminute.worker.kit.Tick;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Lambda stand-in: workers registered by name, each invoked asynchronously on a bounded pool of
 * its own, so a worker that throws, hangs or takes seconds only fills its own pool and never delays
 * a tick or another worker. A full pool rejects the invoke, as Lambda throttles.
 */
public final class LocalLambda implements WorkerInvoker, AutoCloseable {
  /** Shared and without a stack trace: a flood of throttled invokes must not cost the timer. */
  private static final RejectedExecutionException THROTTLED =
      new RejectedExecutionException("throttled: the worker's pool and queue are full") {
        private static final long serialVersionUID = 1L;

        @Override
        public synchronized Throwable fillInStackTrace() {
          return this;
        }
      };

  private final Map<String, Function> functions = new LinkedHashMap<>();
  private final LongAdder failures = new LongAdder();
  private final LongAdder throttles = new LongAdder();

  private record Function(Worker worker, ThreadPoolExecutor pool) {}

  public LocalLambda register(String name, Worker worker, int concurrency, int queue) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            concurrency,
            concurrency,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queue),
            r -> {
              Thread t = new Thread(r, "worker-" + name + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    // threads started now, not on a job's first ticks (a thread start costs those ticks a few ms)
    pool.prestartAllCoreThreads();
    functions.put(name, new Function(worker, pool));
    return this;
  }

  /** The allow-list for this runtime: each registered name, bare or as a function ARN. */
  public WorkerPolicy policy() {
    List<String> patterns = new ArrayList<>();
    for (String name : functions.keySet()) {
      patterns.add(name);
      patterns.add("*:function:" + name);
      patterns.add("*:function:" + name + ":*");
    }
    return WorkerPolicy.allowing(patterns);
  }

  @Override
  public CompletableFuture<Void> invoke(String workerArn, WorkerEvent event) {
    Function function = functions.get(WorkerArns.functionName(workerArn));
    if (function == null) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("no worker registered as " + workerArn));
    }
    if (function.pool().getQueue().remainingCapacity() == 0) {
      throttles.increment();
      return CompletableFuture.failedFuture(THROTTLED);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      function
          .pool()
          .execute(
              () -> {
                try {
                  function.worker().handle(event, Tick.of(event).payload());
                  done.complete(null);
                } catch (Exception | Error e) {
                  failures.increment();
                  done.completeExceptionally(e);
                }
              });
    } catch (RejectedExecutionException full) {
      throttles.increment();
      done.completeExceptionally(full);
    }
    return done;
  }

  public long failures() {
    return failures.sum();
  }

  public long throttles() {
    return throttles.sum();
  }

  @Override
  public void close() {
    functions.values().forEach(f -> f.pool().shutdownNow());
  }
}
