package dev.subminute.worker;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** The example workers by name, as the embedded runtime registers them. */
public final class Workers {
  private Workers() {}

  public static Map<String, Worker> examples(
      DriftProbe.Recorder probeRecorder,
      java.util.function.Consumer<HttpPoll.Result> pollRecorder,
      java.util.function.Consumer<String> log) {
    Map<String, Worker> workers = new LinkedHashMap<>();
    workers.put(HttpPoll.NAME, new HttpPoll(pollRecorder));
    workers.put(DriftProbe.NAME, new DriftProbe(Clock.systemUTC(), probeRecorder));
    workers.put(LogWorker.NAME, new LogWorker(log));
    return workers;
  }
}
