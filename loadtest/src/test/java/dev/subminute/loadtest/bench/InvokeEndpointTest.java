package dev.subminute.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.controller.lambda.LambdaWorkerInvoker;
import dev.subminute.model.Job;
import dev.subminute.model.WorkerEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/** The loopback Invoke endpoint as the AWS SDK's Lambda client sees it. */
class InvokeEndpointTest {

  static LambdaAsyncClient client(InvokeEndpoint endpoint) {
    return LambdaWorkerInvoker.clientBuilder(4)
        .endpointOverride(endpoint.uri())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
        .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(10)))
        .build();
  }

  @Test
  void records_an_event_invoke_at_its_arrival_and_accepts_it_after_the_delay() throws Exception {
    Receipts receipts = new Receipts(List.of("job-1"));
    try (InvokeEndpoint endpoint = new InvokeEndpoint(receipts, 200);
        LambdaAsyncClient lambda = client(endpoint)) {
      long planned = System.currentTimeMillis();
      long sent = System.nanoTime();
      new LambdaWorkerInvoker(lambda)
          .invoke(
              "drift-probe", new WorkerEvent("job-1", planned, planned * 1_000, 1_000, "{}", "h"))
          .get(10, TimeUnit.SECONDS);
      assertTrue(System.nanoTime() - sent >= 200_000_000L, "answered before its delay");
      Job job = Job.builder("job-1", "drift-probe", 1_000).build();
      Receipts.Span span = receipts.span(List.of(job), planned, planned + 1, Long.MAX_VALUE);
      assertEquals(1, span.driftMicros().length);
      assertTrue(span.driftMicros()[0] >= 0 && span.driftMicros()[0] < 10_000_000);
      assertEquals(0, endpoint.rejected());
    }
  }

  @Test
  void rejects_an_invoke_that_is_not_an_event() throws Exception {
    Receipts receipts = new Receipts(List.of("job-1"));
    try (InvokeEndpoint endpoint = new InvokeEndpoint(receipts, 0);
        LambdaAsyncClient lambda = client(endpoint)) {
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () ->
                  lambda
                      .invoke(
                          r ->
                              r.functionName("drift-probe")
                                  .invocationType(InvocationType.REQUEST_RESPONSE)
                                  .payload(
                                      SdkBytes.fromUtf8String(
                                          "{\"jobId\":\"job-1\",\"plannedAt\":1}")))
                      .get(10, TimeUnit.SECONDS));
      assertTrue(e.getCause().getMessage().contains("400"), e.getCause().toString());
      assertEquals(0, receipts.jobsSeen());
      assertTrue(endpoint.rejected() >= 1);
    }
  }
}
