package dev.subminute.worker.lambda;

import dev.subminute.worker.DriftProbe;
import java.time.Clock;

/** The {@code drift-probe} worker on Lambda: one JSON log line per tick, read by the harness. */
public final class DriftProbeHandler extends WorkerHandler {
  public DriftProbeHandler() {
    super(new DriftProbe(Clock.systemUTC(), receipt -> System.out.println(LogLines.of(receipt))));
  }
}
