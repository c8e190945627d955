package dev.subminute.controller.testing;

import dev.subminute.controller.core.WorkerInvoker;
import dev.subminute.model.WorkerEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Records every invoke, optionally into a transcript as {@code fire job-7 @08:00:01.000}. */
public final class RecordingInvoker implements WorkerInvoker {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  private final List<String> transcript;
  private final ZoneId zone;
  public final List<WorkerEvent> events = Collections.synchronizedList(new ArrayList<>());

  public RecordingInvoker(List<String> transcript, ZoneId zone) {
    this.transcript = transcript;
    this.zone = zone;
  }

  public RecordingInvoker() {
    this(null, ZoneId.of("UTC"));
  }

  @Override
  public CompletableFuture<Void> invoke(String workerArn, WorkerEvent event) {
    events.add(event);
    if (transcript != null) {
      transcript.add(
          "fire "
              + event.jobId()
              + " @"
              + TIME.format(Instant.ofEpochMilli(event.plannedAt()).atZone(zone)));
    }
    return CompletableFuture.completedFuture(null);
  }
}
