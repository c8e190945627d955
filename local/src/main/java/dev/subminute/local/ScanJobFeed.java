package dev.subminute.local;

import dev.subminute.controller.core.JobFeed;
import dev.subminute.model.dynamodb.JobTable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Feeds running windows from the runtime's periodic scan instead of one read per job: dynalite has
 * no Streams, and one scan a second serves thousands of jobs.
 */
final class ScanJobFeed implements JobFeed {
  private final Map<String, List<Consumer<Optional<Map<String, AttributeValue>>>>> watchers =
      new ConcurrentHashMap<>();
  private Map<String, Map<String, AttributeValue>> last = Map.of();

  @Override
  public Watch watch(String jobId, Consumer<Optional<Map<String, AttributeValue>>> onItem) {
    watchers.computeIfAbsent(jobId, id -> new CopyOnWriteArrayList<>()).add(onItem);
    return () ->
        watchers.computeIfPresent(
            jobId,
            (id, list) -> {
              list.remove(onItem);
              return list.isEmpty() ? null : list;
            });
  }

  /** Tells the watchers of every item that changed or vanished since the last scan. */
  synchronized void publish(List<Map<String, AttributeValue>> scanned) {
    Map<String, Map<String, AttributeValue>> now = new HashMap<>();
    for (Map<String, AttributeValue> item : scanned) {
      AttributeValue id = item.get(JobTable.JOB_ID);
      if (id != null && id.s() != null) {
        now.put(id.s(), item);
      }
    }
    watchers.forEach(
        (jobId, list) -> {
          Map<String, AttributeValue> item = now.get(jobId);
          if (item == null || !item.equals(last.get(jobId))) {
            list.forEach(w -> w.accept(Optional.ofNullable(item)));
          }
        });
    last = now;
  }
}
