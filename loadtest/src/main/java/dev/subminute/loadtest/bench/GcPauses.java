package dev.subminute.loadtest.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The collection pauses of this JVM, where the endpoint stamps each arrival: a pause holds back the
 * stamps of every invoke that arrives during it, which the drift would blame on the host.
 */
final class GcPauses implements AutoCloseable {
  private record Pause(long startEpochMs, long durationMs) {}

  private final long jvmStartEpochMs = ManagementFactory.getRuntimeMXBean().getStartTime();
  private final ConcurrentLinkedQueue<Pause> pauses = new ConcurrentLinkedQueue<>();
  private final NotificationListener listener =
      (notification, handback) -> {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
            notification.getType())) {
          return;
        }
        GarbageCollectionNotificationInfo info =
            GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        // the concurrent cycles of ZGC and Shenandoah report their length, not a pause
        if (!info.getGcName().endsWith("Cycles")) {
          pauses.add(
              new Pause(
                  jvmStartEpochMs + info.getGcInfo().getStartTime(),
                  info.getGcInfo().getDuration()));
        }
      };

  GcPauses() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
    }
  }

  /**
   * The pause milliseconds that began in each second after {@code fromEpochMs}, before {@code
   * toEpochMs}.
   */
  Map<Long, Long> msBySecond(long fromEpochMs, long toEpochMs) {
    Map<Long, Long> bySecond = new TreeMap<>();
    for (Pause pause : pauses) {
      if (pause.startEpochMs() >= fromEpochMs && pause.startEpochMs() < toEpochMs) {
        bySecond.merge((pause.startEpochMs() - fromEpochMs) / 1_000, pause.durationMs(), Long::sum);
      }
    }
    return bySecond;
  }

  /** The longest pause that began after {@code fromEpochMs}, before {@code toEpochMs}. */
  long maxMs(long fromEpochMs, long toEpochMs) {
    return pauses.stream()
        .filter(p -> p.startEpochMs() >= fromEpochMs && p.startEpochMs() < toEpochMs)
        .mapToLong(Pause::durationMs)
        .max()
        .orElse(0);
  }

  @Override
  public void close() throws Exception {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).removeNotificationListener(listener);
    }
  }
}
