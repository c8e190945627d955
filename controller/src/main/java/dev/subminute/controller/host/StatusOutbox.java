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
 *
 * <p>Writes of counts leave at most {@code countWritesPerSecond}, evenly spaced: a host whose
 * window ends submits the last counts of every job at once, and written as fast as storage answers
 * they took a third of a host's one core for seconds, beside its successor's ticks. Waiting changes
 * merge, so the backlog is at most one write per job, and past that rate each job's counts are
 * written less often, never lost. Status changes are not paced. {@link #flush} lifts the pacing: a
 * host that stops writes what is left as fast as it can.
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
  private final long spacingNanos;
  private long nextWriteNanos = System.nanoTime();
  private volatile boolean hurry;
  private volatile boolean closed;

  /**
   * A host's pace for counts: 250 writes a second take about 6 % of its core (some 240 µs each
   * through the SDK) and write the counts of 15,000 jobs once a minute.
   */
  public static final int HOST_COUNT_WRITES_PER_SECOND = 250;

  public StatusOutbox(
      JobStatusSink sink, WallClock clock, int threads, int countWritesPerSecond, String name) {
    if (countWritesPerSecond <= 0) {
      throw new IllegalArgumentException(
          "countWritesPerSecond must be above 0: " + countWritesPerSecond);
    }
    this.sink = sink;
    this.clock = clock;
    this.spacingNanos = TimeUnit.SECONDS.toNanos(1) / countWritesPerSecond;
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

  /**
   * Writes what is pending without pacing until nothing is, or the timeout passes; true if all was
   * written. For a host whose ticks have ended: its window's last counts go before it returns.
   */
  public boolean flush(long timeoutMs) throws InterruptedException {
    hurry = true;
    synchronized (this) {
      notifyAll();
    }
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
      while (!pending.isEmpty() && System.nanoTime() - deadline < 0) {
        Thread.sleep(10);
      }
      return pending.isEmpty();
    } finally {
      hurry = false;
    }
  }

  private void drain() {
    while (!closed) {
      String jobId;
      try {
        jobId = queue.poll(200, TimeUnit.MILLISECONDS);
        StatusChange waiting = jobId == null ? null : pending.get(jobId);
        if (waiting != null && waiting.status() == null) {
          awaitTurn();
        }
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

  /**
   * Waits for this writer's turn; turns are {@code spacingNanos} apart across all writers, and come
   * at once while a flush hurries them.
   */
  private synchronized void awaitTurn() throws InterruptedException {
    long now = System.nanoTime();
    long turn = hurry || nextWriteNanos - now < 0 ? now : nextWriteNanos;
    nextWriteNanos = turn + spacingNanos;
    long waitNanos;
    while (!hurry && (waitNanos = turn - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.timedWait(this, waitNanos);
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
