package dev.subminute.controller.time;

/**
 * The wall clock in epoch milliseconds, for the instants written on items and compared with leases.
 * Code that also waits takes the whole {@link TimeSource}.
 */
@FunctionalInterface
public interface WallClock {
  WallClock SYSTEM = System::currentTimeMillis;

  long wallMillis();
}
