package dev.subminute.controller.host;

import dev.subminute.controller.core.BackgroundThreads;
import dev.subminute.controller.time.WallClock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Status writes off every timing path: one pending change per job, merged while it waits, written
 * by a few threads of their own; status changes jump the queue ahead of counts. A write storage
 * refuses is kept and retried; one whose condition failed keeps its counts.
 *
 * <p>Writes of counts only leave at most {@code countWritesPerSecond}, evenly spaced. A write
 * through the SDK took 0.25 to 0.7 ms of a host's one core, and a host whose jobs all end at once
 * (a window's end in the embedded runtime, where the successor shares the core) submits the counts
 * of every job together: written as fast as storage answered, 5,000 of them took a third of the
 * core for four seconds. Changes merge while they wait, so past that rate each job's counts reach
 * its item less often and in larger steps; they stay in this process until written, and a host that
 * dies loses what it had not written. Status changes are not paced. {@link #flush} lifts the pacing
 * while it runs: a host whose ticks have ended writes what is left at once.
 */
public final class StatusOutbox implements AutoCloseable {
  private static final long RETRY_PAUSE_MS = 500;

  /**
   * A host's pace for counts: 100 writes a second, 3 to 7 % of its core, write the counts of 6,000
   * jobs once a minute (the scaler gives a host about 1,000 jobs ticking every second).
   */
  public static final int HOST_COUNT_WRITES_PER_SECOND = 100;

  private final JobStatusSink sink;
  private final WallClock clock;
  private final ConcurrentHashMap<String, StatusChange> pending = new ConcurrentHashMap<>();
  private final LinkedBlockingDeque<String> queue = new LinkedBlockingDeque<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongAdder written = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final Thread[] writers;
  private final long spacingNanos;
  private final Object turns = new Object();
  private long nextTurnNanos = System.nanoTime(); // guarded by turns
  private int flushing; // guarded by turns
  private volatile boolean closed;

  public StatusOutbox(
      JobStatusSink sink, WallClock clock, int threads, int countWritesPerSecond, String name) {
    this(sink, clock, threads, perSecondSpacing(countWritesPerSecond), name);
  }

  /** Counts writes {@code spacingNanos} apart. */
  StatusOutbox(JobStatusSink sink, WallClock clock, int threads, long spacingNanos, String name) {
    this.sink = sink;
    this.clock = clock;
    this.spacingNanos = spacingNanos;
    this.writers = new Thread[threads];
    for (int i = 0; i < threads; i++) {
      Thread t = BackgroundThreads.newThread(this::drain, name + "-" + (i + 1));
      writers[i] = t;
      t.start();
    }
  }

  private static long perSecondSpacing(int countWritesPerSecond) {
    if (countWritesPerSecond <= 0) {
      throw new IllegalArgumentException(
          "countWritesPerSecond must be above 0: " + countWritesPerSecond);
    }
    return TimeUnit.SECONDS.toNanos(1) / countWritesPerSecond;
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
   * Writes what is pending without pacing until nothing is pending or being written, or the timeout
   * passes; true if all was written. For a host whose ticks have ended: its last counts leave
   * before it returns.
   */
  public boolean flush(long timeoutMs) throws InterruptedException {
    synchronized (turns) {
      flushing++;
      turns.notifyAll();
    }
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
      while (!allWritten() && System.nanoTime() - deadline < 0) {
        Thread.sleep(10);
      }
      return allWritten();
    } finally {
      synchronized (turns) {
        flushing--;
      }
    }
  }

  private boolean allWritten() {
    return pending.isEmpty() && inFlight.get() == 0;
  }

  private void drain() {
    while (!closed) {
      String jobId;
      try {
        jobId = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (jobId == null) {
        continue;
      }
      StatusChange waiting = pending.get(jobId);
      if (waiting != null && waiting.status() == null) {
        try {
          awaitTurn();
        } catch (InterruptedException e) {
          queue.addFirst(jobId);
          return;
        }
      }
      if (closed) {
        queue.addFirst(jobId);
        return;
      }
      write(jobId);
    }
  }

  private void write(String jobId) {
    inFlight.incrementAndGet();
    try {
      StatusChange change = pending.remove(jobId);
      if (change == null) {
        return;
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
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /**
   * Waits for this writer's turn: turns are {@code spacingNanos} apart across all writers, and come
   * at once while a flush runs or once the outbox is closed.
   */
  private void awaitTurn() throws InterruptedException {
    synchronized (turns) {
      long now = System.nanoTime();
      long turn = flushing > 0 || nextTurnNanos - now < 0 ? now : nextTurnNanos;
      nextTurnNanos = turn + spacingNanos;
      long waitNanos;
      while (flushing == 0 && !closed && (waitNanos = turn - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.timedWait(turns, waitNanos);
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

  /**
   * Stops the writers after the write each has in flight (an aborted request harms dynalite); what
   * is still pending stays unwritten.
   */
  @Override
  public void close() {
    closed = true;
    synchronized (turns) {
      turns.notifyAll();
    }
  }
}
