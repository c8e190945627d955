package dev.subminute.controller.lambda;

import dev.subminute.controller.core.BackgroundThreads;
import dev.subminute.controller.core.WorkerInvoker;
import dev.subminute.model.WorkerEvent;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import org.HdrHistogram.Histogram;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.lambda.LambdaAsyncClientBuilder;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/**
 * Invokes workers asynchronously (InvocationType EVENT): Lambda queues the event and returns. At
 * most {@code maxInFlight} invokes wait for Lambda's answer at once; past that an invoke fails at
 * once and its tick is lost (counted as a failed invoke, not retried), instead of queueing in the
 * client until the heap is full.
 */
public final class LambdaWorkerInvoker implements WorkerInvoker {
  static final Duration INVOKE_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Every client's invoke timeouts. The SDK schedules one per invoke and cancels it when the answer
   * comes; its own scheduler keeps a cancelled timeout queued until it would have fired, 45,000 of
   * them at 4,500 invokes a second, each copied by every young collection until it dies.
   */
  private static final ScheduledThreadPoolExecutor INVOKE_TIMEOUTS = invokeTimeouts();

  private final LambdaAsyncClient lambda;
  private final int maxInFlight;
  private final Semaphore inFlight;
  private final long prepareAheadNanos;

  /**
   * Sends through {@code lambda}, built by {@link #clientBuilder(int)}. With a {@code prepareAhead}
   * above zero, each tick comes that long before its instant: its invoke is marshalled and signed
   * then, and leaves at the instant.
   */
  public LambdaWorkerInvoker(LambdaAsyncClient lambda, int maxInFlight, Duration prepareAhead) {
    if (!prepareAhead.isZero() && !holdsUntilInstant(lambda)) {
      throw new IllegalArgumentException(
          "an invoker that prepares ahead needs a client from LambdaWorkerInvoker.clientBuilder,"
              + " its override configuration kept: this one would send every tick early");
    }
    this.lambda = lambda;
    this.maxInFlight = maxInFlight;
    this.inFlight = new Semaphore(maxInFlight);
    this.prepareAheadNanos = prepareAhead.toNanos();
  }

  public LambdaWorkerInvoker(LambdaAsyncClient lambda, int maxInFlight) {
    this(lambda, maxInFlight, Duration.ZERO);
  }

  public LambdaWorkerInvoker(LambdaAsyncClient lambda) {
    this(lambda, Integer.MAX_VALUE);
  }

  /**
   * How long after its instant each invoke prepared ahead so far was handed to the HTTP client, in
   * µs: the part of a tick's lateness spent in the host after its timer and before the HTTP client
   * writes it. Empty for a client that does not prepare ahead.
   */
  public Histogram releaseLateness() {
    return sendAtInstant(lambda)
        .map(SendAtInstant::releaseLateness)
        .orElseGet(() -> new Histogram(2));
  }

  private static boolean holdsUntilInstant(LambdaAsyncClient lambda) {
    return sendAtInstant(lambda).isPresent();
  }

  /** The holding of requests until their instants that {@link #clientBuilder} installed, if any. */
  private static Optional<SendAtInstant> sendAtInstant(LambdaAsyncClient lambda) {
    return lambda
        .serviceClientConfiguration()
        .overrideConfiguration()
        .executionInterceptors()
        .stream()
        .map(SendAtInstant::ownerOf)
        .filter(Objects::nonNull)
        .findFirst();
  }

  /**
   * The client every controller and host invokes through, up to {@code connections} requests at
   * once. Its HTTP runs on the AWS CRT client: in single runs on one core at 1,000 invokes a second
   * it took 0.28 of the core where the Netty client took 0.40, and made about half the garbage,
   * whose young collections set a host's worst tick (docs/results/host-capacity/FINDINGS.md).
   */
  public static LambdaAsyncClientBuilder clientBuilder(int connections) {
    SendAtInstant sendAtInstant = new SendAtInstant();
    return LambdaAsyncClient.builder()
        .putAuthScheme(InvokeSigner.authScheme())
        .httpClientBuilder(
            sendAtInstant.holding(AwsCrtAsyncHttpClient.builder().maxConcurrency(connections)))
        // an invoke that never answers would hold its place among those in flight for good
        .overrideConfiguration(
            c ->
                c.apiCallTimeout(INVOKE_TIMEOUT)
                    .scheduledExecutorService(INVOKE_TIMEOUTS)
                    .addExecutionInterceptor(sendAtInstant.interceptor))
        // an invoke's callbacks only count a failure: completing them on the thread that read the
        // answer spares a hand-off to the SDK's own pool for every invoke, on a host's one core
        .asyncConfiguration(
            c ->
                c.advancedOption(
                    SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR, Runnable::run));
  }

  private static ScheduledThreadPoolExecutor invokeTimeouts() {
    ScheduledThreadPoolExecutor timeouts =
        new ScheduledThreadPoolExecutor(1, BackgroundThreads.named("invoke-timeouts", false));
    timeouts.setRemoveOnCancelPolicy(true);
    return timeouts;
  }

  /** Invoke timeouts still queued, across every client from {@link #clientBuilder(int)}. */
  static int queuedInvokeTimeouts() {
    return INVOKE_TIMEOUTS.getQueue().size();
  }

  @Override
  public long prepareAheadNanos() {
    return prepareAheadNanos;
  }

  @Override
  public CompletableFuture<Void> invoke(String workerArn, WorkerEvent event) {
    return invoke(workerArn, event, System.nanoTime());
  }

  @Override
  public CompletableFuture<Void> invoke(String workerArn, WorkerEvent event, long sendAtNanos) {
    if (!inFlight.tryAcquire()) {
      return CompletableFuture.failedFuture(
          new RejectedExecutionException(
              maxInFlight
                  + " invokes already wait for Lambda's answer; "
                  + workerArn
                  + " not sent"));
    }
    CompletableFuture<Void> sent;
    try {
      sent = send(workerArn, event, sendAtNanos);
    } catch (RuntimeException e) {
      inFlight.release();
      throw e;
    }
    return sent.whenComplete((ok, error) -> inFlight.release());
  }

  private CompletableFuture<Void> send(String workerArn, WorkerEvent event, long sendAtNanos) {
    return lambda
        .invoke(
            r ->
                r.functionName(workerArn)
                    .invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromUtf8String(event.toJson()))
                    .overrideConfiguration(
                        o -> o.putExecutionAttribute(SendAtInstant.SEND_AT_NANOS, sendAtNanos)))
        .thenAccept(
            response -> {
              if (response.functionError() != null) {
                throw new IllegalStateException(
                    "invoke of " + workerArn + " failed: " + response.functionError());
              }
            });
  }
}
