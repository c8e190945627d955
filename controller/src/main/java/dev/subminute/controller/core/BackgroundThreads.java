package dev.subminute.controller.core;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for a host's work beside its ticks (reading items, writing statuses, renewing leases,
 * starting a successor, preparing invokes ahead of their instants): daemons at the lowest Java
 * priority. With the JVM option {@code -XX:ThreadPriorityPolicy=1}, Linux runs them at nice 4, a
 * weight of 423 against the 1,024 of the timer and sender threads and the HTTP client's event loop
 * at nice 0, so that a burst of such work on a host's one core gives way to a tick due. Lowering a
 * thread's own priority needs no privilege; without the option the JVM leaves every thread at nice
 * 0. A thread inherits the nice value of the thread that starts it, and an unprivileged process
 * cannot raise it again: a thread meant for nice 0 must be started by one at nice 0.
 */
public final class BackgroundThreads {
  private BackgroundThreads() {}

  /** Threads named {@code name}, or {@code name-1}, {@code name-2}... when {@code numbered}. */
  public static ThreadFactory named(String name, boolean numbered) {
    AtomicInteger n = new AtomicInteger();
    return r -> newThread(r, numbered ? name + "-" + n.incrementAndGet() : name);
  }

  public static Thread newThread(Runnable task, String name) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    return t;
  }
}
