package dev.subminute.worker.lambda;

import dev.subminute.worker.Worker;
import dev.subminute.worker.kit.DuplicateFilter;
import dev.subminute.worker.kit.Tick;
import dev.subminute.worker.kit.TickHandler;
import java.util.function.Consumer;

/** Runs an example worker as a Lambda function, once per tick. */
abstract class WorkerHandler extends TickHandler {
  private final Worker worker;

  WorkerHandler(Worker worker, DuplicateFilter duplicates, Consumer<String> log) {
    super(duplicates, log);
    this.worker = worker;
  }

  @Override
  protected void onTick(Tick tick) throws Exception {
    worker.handle(tick.event(), tick.payload());
  }

  static Consumer<String> stdout() {
    return System.out::println;
  }
}
