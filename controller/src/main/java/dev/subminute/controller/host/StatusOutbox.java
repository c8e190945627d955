package dev.subminute.controller.host;

import dev.subminute.controller.core.BackgroundThreads;
import dev.subminute.controller.time.WallClock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Status writes off every timing path: one pending change per job, merged while it waits, written
 * by a few threads of their own; status changes jump the queue ahead of counts. A write storage
 * refuses is kept and retried; one whose condition failed keeps its counts.
 */
public final class StatusOutbox implements AutoCloseable {
  private static final long RETRY_PAUSE_MS = 500;

  private final JobStatusSink sink;
  private final WallClock clock;
  private final ConcurrentHashMap<String, StatusChange> pending = new ConcurrentHashMap<>();
  private final LinkedBlockingDeque<String> queue = new LinkedBlockingDeque<>();
  private final LongAdder written = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final Thread[] writers;
  private volatile boolean closed;

  public StatusOutbox(JobStatusSink sink, WallClock clock, int threads, String name) {
    this.sink = sink;
    this.clock = clock;
    this.writers = new Thread[threads];
    for (int i = 0; i < threads; i++) {
      Thread t = BackgroundThreads.newThread(this::drain, name + "-" + (i + 1));
      writers[i] = t;
      t.start();
    }
  }

  public void submit(String jobId, StatusChange change) {
    boolean[] fresh = {false};
    pending.compute(
        jobId,
        (id, waiting) -> {
          fresh[0] = waiting == null;
          return waiting == null ? change : waiting.then(change);
        });
    if (change.status() != null) {
      queue.addFirst(jobId);
    } else if (fresh[0]) {
      queue.addLast(jobId);
    }
  }

  /** Changes waiting to be written. */
  public int pending() {
    return pending.size();
  }

  public long written() {
    return written.sum();
  }

  /** Writes storage refused so far (each is retried). */
  public long failures() {
    return failures.sum();
  }

  /** Waits until nothing is pending, or the timeout passes; true if all was written. */
  public boolean flush(long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (!pending.isEmpty() && System.nanoTime() - deadline < 0) {
      Thread.sleep(10);
    }
    return pending.isEmpty();
  }

  private void drain() {
    while (!closed) {
      String jobId;
      try {
        jobId = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      StatusChange change = jobId == null ? null : pending.remove(jobId);
      if (change == null) {
        continue;
      }
      try {
        if (!sink.write(jobId, change, clock.wallMillis())
            && change.status() != null
            && change.hasCounts()) {
          sink.write(jobId, change.countsOnly(), clock.wallMillis());
        }
        written.increment();
      } catch (RuntimeException storageDown) {
        failures.increment();
        pending.merge(jobId, change, (newer, failed) -> failed.then(newer));
        queue.addLast(jobId);
        pause();
      }
    }
  }

  private void pause() {
    try {
      Thread.sleep(RETRY_PAUSE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the writers after the write each has in flight (an aborted request harms dynalite). */
  @Override
  public void close() {
    closed = true;
  }
}
