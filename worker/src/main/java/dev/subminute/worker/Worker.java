package dev.subminute.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.subminute.model.WorkerEvent;

/** A worker: what runs on each tick. The same code runs as a Lambda and on the embedded runtime. */
public interface Worker {

  /**
   * Handles one tick; {@code payload} is the item's payload as JSON. Throws to report a failure
   * (Lambda retries async events; the embedded runtime counts it).
   */
  void handle(WorkerEvent event, JsonNode payload) throws Exception;
}
