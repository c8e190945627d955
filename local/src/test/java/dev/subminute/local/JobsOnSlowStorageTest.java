package dev.subminute.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.local.cli.SubminuteCommand;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.testing.SharedDynalite;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A jobs call is a cold process: its first request also sets the SDK's request pipeline up, which
 * took over 2 s on a busy machine. It waits for storage that answers late instead of calling it
 * unreachable.
 */
class JobsOnSlowStorageTest {
  private static final long DELAY_MS = 2_200;

  @Test
  void a_jobs_call_waits_for_storage_that_answers_after_more_than_two_seconds() throws Exception {
    JobTable table = SharedDynalite.newTable("slow");
    try (SlowProxy proxy = SlowProxy.start(SharedDynalite.server().port(), DELAY_MS)) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      long start = System.nanoTime();
      int code =
          SubminuteCommand.commandLine()
              .setOut(new PrintWriter(out, true))
              .setErr(new PrintWriter(err, true))
              .execute(
                  "jobs",
                  "list",
                  "--endpoint",
                  proxy.endpoint().toString(),
                  "--table",
                  table.name());
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertEquals(0, code, err.toString());
      assertTrue(out.toString().startsWith("JOB "), out.toString());
      assertTrue(elapsedMs >= DELAY_MS, "answered after " + elapsedMs + " ms, before the delay");
    }
  }
}
