package dev.subminute.loadtest;

import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * A histogram of signed values (µs): HdrHistogram records no negative value, so an arrival before
 * its planned instant goes into a second histogram by its magnitude, and percentiles are read
 * across both. Not thread-safe: filled after the run.
 */
public final class SignedHistogram {
  static final long MAX_MICROS = 3_600_000_000L;

  private final Histogram early = new Histogram(MAX_MICROS, 3);
  private final Histogram late = new Histogram(MAX_MICROS, 3);

  public void record(long micros) {
    if (micros < 0) {
      early.recordValue(Math.min(-micros, MAX_MICROS));
    } else {
      late.recordValue(Math.min(micros, MAX_MICROS));
    }
  }

  public void add(SignedHistogram other) {
    early.add(other.early);
    late.add(other.late);
  }

  /** Magnitudes of the values below zero. */
  Histogram early() {
    return early;
  }

  /** The values from zero up. */
  Histogram late() {
    return late;
  }

  public long count() {
    return early.getTotalCount() + late.getTotalCount();
  }

  /** Values below zero: ticks that arrived before their planned instant. */
  public long earlyCount() {
    return early.getTotalCount();
  }

  /** The value at or below which {@code percentile} % of the values lie; 0 when empty. */
  public long valueAtPercentile(double percentile) {
    long n = count();
    if (n == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * n));
    long e = early.getTotalCount();
    if (rank <= e) {
      // the rank-th smallest signed value is the (e - rank + 1)-th smallest magnitude among early
      return -early.getValueAtPercentile(100.0 * (e - rank + 1) / e);
    }
    return late.getValueAtPercentile(100.0 * (rank - e) / late.getTotalCount());
  }

  /** Adds {@code <name>P50Ms} to {@code <name>MinMs} to a summary, in ms to two decimals. */
  public void putInto(Map<String, Object> summary, String name) {
    summary.put(name + "P50Ms", ms(valueAtPercentile(50)));
    summary.put(name + "P90Ms", ms(valueAtPercentile(90)));
    summary.put(name + "P99Ms", ms(valueAtPercentile(99)));
    summary.put(name + "P999Ms", ms(valueAtPercentile(99.9)));
    summary.put(name + "MaxMs", ms(max()));
    summary.put(name + "MinMs", ms(min()));
  }

  private static double ms(long micros) {
    return Math.round(micros / 10.0) / 100.0;
  }

  public long min() {
    if (early.getTotalCount() > 0) {
      return -early.getMaxValue();
    }
    return late.getTotalCount() == 0 ? 0 : late.getMinValue();
  }

  public long max() {
    if (late.getTotalCount() > 0) {
      return late.getMaxValue();
    }
    return early.getTotalCount() == 0 ? 0 : -early.getMinValue();
  }
}
