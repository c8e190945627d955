package dev.subminute.controller.testing;

import dev.subminute.controller.time.TimeSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Virtual time that advances only when the code waits, writing each wait into a transcript as
 * {@code sleep 0.250}. {@link #stallNextWait(long)} makes the next wait overshoot, as a paused
 * process or a stolen core would.
 */
public final class FakeTimeSource implements TimeSource {
  private final List<String> transcript;
  private long monoNanos = 5_000_000_000_000L;
  private long wallMicros;
  private long stallNanos;

  public FakeTimeSource(Instant wallStart, List<String> transcript) {
    this.wallMicros = wallStart.getEpochSecond() * 1_000_000L + wallStart.getNano() / 1_000;
    this.transcript = transcript;
  }

  public FakeTimeSource(Instant wallStart) {
    this(wallStart, new ArrayList<>());
  }

  public List<String> transcript() {
    return transcript;
  }

  @Override
  public long monoNanos() {
    return monoNanos;
  }

  @Override
  public long wallMicros() {
    return wallMicros;
  }

  @Override
  public void parkUntil(long deadlineNanos) {
    long step = Math.max(0, deadlineNanos - monoNanos) + stallNanos;
    stallNanos = 0;
    advanceNanos(step);
    transcript.add(String.format(Locale.ROOT, "sleep %.3f", step / 1e9));
  }

  @Override
  public void wake(Thread thread) {}

  public void stallNextWait(long millis) {
    stallNanos = millis * 1_000_000L;
  }

  public void advanceMillis(long millis) {
    advanceNanos(millis * 1_000_000L);
  }

  private void advanceNanos(long nanos) {
    monoNanos += nanos;
    wallMicros += nanos / 1_000;
  }
}
