package dev.subminute.worker.kit;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.model.WorkerEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A worker Lambda function: parses the controller's event and runs {@link #onTick} once per tick,
 * dropping duplicate deliveries through a {@link DuplicateFilter}. A failure thrown by {@code
 * onTick} fails the invocation.
 */
public abstract class TickHandler implements RequestStreamHandler {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DuplicateFilter duplicates;
  private final Consumer<String> log;

  /**
   * Drops duplicates through the table named by {@value DuplicateFilter#TABLE_ENV}; logs to stdout.
   */
  protected TickHandler() {
    this(DuplicateFilter.fromEnvironment(System.out::println), System.out::println);
  }

  protected TickHandler(DuplicateFilter duplicates, Consumer<String> log) {
    this.duplicates = duplicates;
    this.log = log;
  }

  /** The work of one tick. */
  protected abstract void onTick(Tick tick) throws Exception;

  /** A duplicate delivery of {@code event} was dropped: logs it as a JSON line. */
  protected void dropped(WorkerEvent event) {
    log.accept(
        JSON.createObjectNode()
            .put("jobId", event.jobId())
            .put("plannedAt", event.plannedAt())
            .put("dropped", "duplicate delivery")
            .toString());
  }

  @Override
  public final void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    Tick tick = Tick.parse(input);
    boolean ran;
    try {
      ran = duplicates.runOnce(tick.event(), () -> onTick(tick));
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
}
