package dev.subminute.worker.lambda;

import dev.subminute.model.WorkerEvent;
import dev.subminute.worker.DriftProbe;
import dev.subminute.worker.kit.DuplicateFilter;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * The {@code drift-probe} worker on Lambda: one JSON log line per delivery, read by the harness. A
 * duplicate delivery is logged as a receipt flagged {@code duplicate}, so the harness counts it.
 */
public final class DriftProbeHandler extends WorkerHandler {
  private final DriftProbe probe;

  public DriftProbeHandler() {
    this(Clock.systemUTC(), stdout(), DuplicateFilter.fromEnvironment(stdout()));
  }

  DriftProbeHandler(Clock clock, Consumer<String> out, DuplicateFilter duplicates) {
    this(new DriftProbe(clock, receipt -> out.accept(LogLines.of(receipt))), duplicates, out);
  }

  private DriftProbeHandler(DriftProbe probe, DuplicateFilter duplicates, Consumer<String> out) {
    super(probe, duplicates, out);
    this.probe = probe;
  }

  @Override
  protected void dropped(WorkerEvent event) {
    probe.recordDuplicate(event);
  }
}
