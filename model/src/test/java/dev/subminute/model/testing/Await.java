package dev.subminute.model.testing;

import java.util.function.BooleanSupplier;

/** Polls a condition on the real clock; a generous timeout, never a timing assertion. */
public final class Await {
  private Await() {}

  public static void until(String what, long timeoutMs, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
