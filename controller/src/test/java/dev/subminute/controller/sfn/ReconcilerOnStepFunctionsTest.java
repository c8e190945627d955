package dev.subminute.controller.sfn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.controller.core.ControllerState;
import dev.subminute.controller.core.Reconciler;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.dynamodb.DynamoJobStore;
import dev.subminute.controller.testing.MotoServer;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.testing.SharedDynalite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * A reconcile pass over 10,000 parked jobs, each leased by its running execution, against moto's
 * Step Functions API and dynalite: liveness comes from the leases, so the pass describes only the
 * executions no lease names, instead of one DescribeExecution per job (throttled on AWS past about
 * a thousand jobs a minute).
 */
class ReconcilerOnStepFunctionsTest {
  static final int JOBS = 10_000;
  static final long NOW = 1_795_651_200_000L;

  static MotoServer moto;
  static SfnClient sfn;
  static final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

  @BeforeAll
  static void startMoto() throws Exception {
    moto = MotoServer.start();
    sfn =
        moto.sfnClient()
            .httpClientBuilder(ApacheHttpClient.builder().maxConnections(16))
            .overrideConfiguration(c -> c.addExecutionInterceptor(new CountingCalls()))
            .build();
  }

  @AfterAll
  static void stopMoto() throws Exception {
    sfn.close();
    moto.close();
  }

  static final class CountingCalls implements ExecutionInterceptor {
    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      calls
          .computeIfAbsent(
              attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), k -> new LongAdder())
          .increment();
    }
  }

  static long calls(String operation) {
    LongAdder n = calls.get(operation);
    return n == null ? 0 : n.sum();
  }

  static String jobId(int i) {
    return String.format("job-%05d", i);
  }

  @Test
  void a_pass_over_10000_parked_jobs_describes_only_unleased_executions() throws Exception {
    String stateMachine =
        sfn.createStateMachine(
                r ->
                    r.name("subminute-controller-scale")
                        .roleArn("arn:aws:iam::123456789012:role/sfn")
                        .definition(
                            "{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":600,\"End\":true}}}"))
            .stateMachineArn();
    SfnExecutions executions = new SfnExecutions(sfn, stateMachine);
    // dynalite answers a 1 MB scan page slower than the shared client's 2 s call timeout
    JobTable table =
        new JobTable(
            DynamoDbClient.builder()
                .endpointOverride(SharedDynalite.server().endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(
                    StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("testing", "testing")))
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(60)))
                .build(),
            "jobs-reconcile-10000");
    table.createIfMissing();
    List<Map<String, AttributeValue>> puts = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      puts.add(parkedItem(jobId(i)));
    }
    puts.add(
        Map.of(
            "jobId", AttributeValue.fromS("new-job"),
            "workerArn", AttributeValue.fromS("log"),
            "intervalMs", AttributeValue.fromN("1000"),
            "running", AttributeValue.fromBool(true),
            "placement", AttributeValue.fromS("DEDICATED")));
    table.putAll(puts);
    ExecutorService starts = Executors.newFixedThreadPool(16);
    try {
      starts.invokeAll(
          IntStream.range(0, JOBS)
              .mapToObj(
                  i ->
                      (Callable<Boolean>)
                          () ->
                              executions.start(
                                  owner(jobId(i)),
                                  ControllerState.start(jobId(i), owner(jobId(i)))))
              .toList());
    } finally {
      starts.shutdown();
    }
    executions.start("gone-r1", ControllerState.start("gone", "gone-r1"));
    calls.clear();

    Reconciler reconciler =
        new Reconciler(
            new DynamoJobStore(table),
            executions,
            (name, jobId) -> {
              throw new AssertionError("every job here is dedicated: " + jobId);
            },
            WorkerPolicy.allowing(List.of("log")),
            () -> NOW);
    long startedAt = System.nanoTime();
    Reconciler.Outcome outcome = reconciler.reconcileOnce();
    long elapsedMs = (System.nanoTime() - startedAt) / 1_000_000;

    System.out.printf(
        "reconcile pass over %d jobs on moto: %d ms; ListExecutions %d, DescribeExecution %d,"
            + " StartExecution %d, StopExecution %d%n",
        outcome.jobs(),
        elapsedMs,
        calls("ListExecutions"),
        calls("DescribeExecution"),
        calls("StartExecution"),
        calls("StopExecution"));
    assertEquals(new Reconciler.Outcome(JOBS + 1, 1, 0, 1), outcome);
    assertEquals(1, calls("DescribeExecution"), "only the execution no lease names: gone-r1");
    assertEquals(1, calls("StopExecution"));
    assertEquals(1, calls("StartExecution"));
    assertTrue(calls("ListExecutions") <= (JOBS + 1) / 100 + 1, "pages of 100 or more");
    assertTrue(elapsedMs < 120_000, "a pass takes " + elapsedMs + " ms, under the 1-minute period");
  }

  static String owner(String jobId) {
    return jobId + "-r1";
  }

  static Map<String, AttributeValue> parkedItem(String jobId) {
    return Map.of(
        "jobId", AttributeValue.fromS(jobId),
        "workerArn", AttributeValue.fromS("log"),
        "intervalMs", AttributeValue.fromN("3600000"),
        "running", AttributeValue.fromBool(true),
        "placement", AttributeValue.fromS("DEDICATED"),
        "status", AttributeValue.fromS("RUNNING"),
        "owner", AttributeValue.fromS(owner(jobId)),
        "leaseUntil", AttributeValue.fromN(Long.toString(NOW + 3_600_000)));
  }
}
