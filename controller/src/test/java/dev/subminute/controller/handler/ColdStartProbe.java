package dev.subminute.controller.handler;

import dev.subminute.controller.testing.TestLambdaContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What a cold Lambda container does, in a fresh JVM: builds the controller handler from the
 * environment (its clients, timer loop and dispatch pool) and runs a five-second window of the job
 * named in the arguments. Started by {@link ControllerColdStartTest}.
 */
public final class ColdStartProbe {
  private ColdStartProbe() {}

  public static void main(String[] args) throws Exception {
    String input = "{\"jobId\": \"" + args[0] + "\", \"owner\": \"" + args[0] + "-cold\"}";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new ControllerHandler()
        .handleRequest(
            new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
            out,
            new TestLambdaContext(ControllerHandler.REMAINING_TIME_MARGIN_MS + 5_000));
    System.out.println(out.toString(StandardCharsets.UTF_8));
  }
}
