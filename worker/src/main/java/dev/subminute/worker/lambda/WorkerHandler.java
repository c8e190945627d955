package dev.subminute.worker.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.subminute.worker.Worker;
import dev.subminute.worker.WorkerEvents;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Runs a worker as a Lambda function on the controller's async event. */
abstract class WorkerHandler implements RequestStreamHandler {
  private final Worker worker;

  WorkerHandler(Worker worker) {
    this.worker = worker;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    WorkerEvents.Parsed parsed = WorkerEvents.parse(input);
    try {
      worker.handle(parsed.event(), parsed.payload());
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    output.write("{}".getBytes(StandardCharsets.UTF_8));
  }
}
