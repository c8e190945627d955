package dev.subminute.controller.core;

import dev.subminute.model.dynamodb.StoredJob;
import java.util.Optional;
import java.util.function.Consumer;

/** Tells a running window about its job's item, off the timing path. */
public interface JobFeed {

  /**
   * Calls {@code onItem} with the job's item (empty once deleted) whenever it may have changed,
   * until the returned handle is closed. Read failures are not reported: the window keeps its last
   * known item.
   */
  Watch watch(String jobId, Consumer<Optional<StoredJob>> onItem);

  interface Watch extends AutoCloseable {
    @Override
    void close();
  }
}
