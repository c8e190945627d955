package dev.subminute.worker.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.subminute.model.WorkerEvent;
import dev.subminute.worker.Worker;
import dev.subminute.worker.kit.DuplicateFilter;
import dev.subminute.worker.kit.Tick;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Runs a worker as a Lambda function on the controller's async event, once per tick: a duplicate
 * delivery is dropped (see {@link DuplicateFilter}) and logged.
 */
abstract class WorkerHandler implements RequestStreamHandler {
  /** A dropped duplicate delivery, as its log line. */
  record DroppedDuplicate(String jobId, long plannedAt, String dropped) {}

  private final Worker worker;
  private final DuplicateFilter duplicates;
  private final Consumer<String> log;

  WorkerHandler(Worker worker, DuplicateFilter duplicates, Consumer<String> log) {
    this.worker = worker;
    this.duplicates = duplicates;
    this.log = log;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    Tick tick = Tick.parse(input);
    boolean ran;
    try {
      ran = duplicates.runOnce(tick.event(), () -> worker.handle(tick.event(), tick.payload()));
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    if (!ran) {
      dropped(tick.event());
    }
    output.write("{}".getBytes(StandardCharsets.UTF_8));
  }

  /** A duplicate delivery of {@code event} was dropped. */
  void dropped(WorkerEvent event) {
    log.accept(
        LogLines.of(new DroppedDuplicate(event.jobId(), event.plannedAt(), "duplicate delivery")));
  }

  static Consumer<String> stdout() {
    return System.out::println;
  }
}
