package dev.subminute.loadtest;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/** CPU, resident memory and GC pauses of this JVM, and CPU and memory of a helper process. */
final class ProcessMetrics implements AutoCloseable {
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final AtomicLong gcPauses = new AtomicLong();
  private final AtomicLong gcPauseTotalMs = new AtomicLong();
  private final AtomicLong gcPauseMaxMs = new AtomicLong();
  private final List<Runnable> unsubscribe = new ArrayList<>();
  private long cpuStartNanos;
  private long wallStartNanos;
  private long helperTicksStart;
  private long maxRssKb;
  private final long helperPid;

  ProcessMetrics(long helperPid) {
    this.helperPid = helperPid;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        NotificationListener listener =
            (notification, handback) -> {
              if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                  notification.getType())) {
                GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from(
                        (CompositeData) notification.getUserData());
                // pauses only: not G1's concurrent cycles, nor the "ZGC Cycles" bean
                if (!info.getGcAction().contains("concurrent")
                    && !info.getGcName().contains("Concurrent")
                    && !info.getGcName().contains("Cycles")) {
                  long ms = info.getGcInfo().getDuration();
                  gcPauses.incrementAndGet();
                  gcPauseTotalMs.addAndGet(ms);
                  gcPauseMaxMs.accumulateAndGet(ms, Math::max);
                }
              }
            };
        emitter.addNotificationListener(listener, null, null);
        unsubscribe.add(
            () -> {
              try {
                emitter.removeNotificationListener(listener);
              } catch (Exception ignored) {
                // gone already
              }
            });
      }
    }
  }

  /** Starts the measured span: CPU and pauses count from here. */
  void start() {
    cpuStartNanos = os.getProcessCpuTime();
    wallStartNanos = System.nanoTime();
    helperTicksStart = helperCpuTicks();
    gcPauses.set(0);
    gcPauseTotalMs.set(0);
    gcPauseMaxMs.set(0);
  }

  void sample() {
    maxRssKb = Math.max(maxRssKb, rssKb(ProcessHandle.current().pid()));
  }

  /** Share of one core used by this JVM since {@link #start()}. */
  double cpuCores() {
    return (os.getProcessCpuTime() - cpuStartNanos) / (double) (System.nanoTime() - wallStartNanos);
  }

  double helperCpuCores() {
    double seconds = (System.nanoTime() - wallStartNanos) / 1e9;
    return helperPid <= 0
        ? 0
        : (helperCpuTicks() - helperTicksStart) / Proc.CLOCK_TICKS_PER_SECOND / seconds;
  }

  long maxRssMb() {
    sample();
    return maxRssKb / 1024;
  }

  long helperRssMb() {
    return helperPid <= 0 ? 0 : rssKb(helperPid) / 1024;
  }

  long gcPauses() {
    return gcPauses.get();
  }

  long gcPauseTotalMs() {
    return gcPauseTotalMs.get();
  }

  long gcPauseMaxMs() {
    return gcPauseMaxMs.get();
  }

  private long helperCpuTicks() {
    if (helperPid <= 0) {
      return 0;
    }
    try {
      return Proc.cpuTicks(helperPid);
    } catch (RuntimeException gone) {
      return 0;
    }
  }

  private static long rssKb(long pid) {
    try {
      return Proc.statusKb(pid, "VmRSS");
    } catch (RuntimeException notLinuxOrGone) {
      return 0;
    }
  }

  @Override
  public void close() {
    unsubscribe.forEach(Runnable::run);
  }
}
