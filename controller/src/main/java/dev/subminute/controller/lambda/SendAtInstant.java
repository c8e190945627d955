package dev.subminute.controller.lambda;

import dev.subminute.controller.time.SystemTimeSource;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * Lets an invoke be prepared before its tick's instant and leave at the instant. Marshalling and
 * signing, most of what an invoke costs on a host's one core, happen on the thread that calls the
 * SDK; the HTTP client here then holds the signed request until the monotonic instant the call
 * carried in {@link #SEND_AT_NANOS}, and one sender thread releases it. Ticks due together then
 * leave together, instead of each after the others' preparation. A request whose instant has
 * passed, a retry among them, leaves at once; a signature stays valid for minutes.
 */
final class SendAtInstant {
  /** The monotonic instant ({@link System#nanoTime()}) an invoke leaves at, set per request. */
  static final ExecutionAttribute<Long> SEND_AT_NANOS = new ExecutionAttribute<>("sendAtNanos");

  // the one header that tells the interceptor's request apart when the HTTP client receives it
  private static final String INVOCATION_ID = "amz-sdk-invocation-id";

  private final Map<String, Long> sendAtByInvocation = new ConcurrentHashMap<>();

  /** How long after its instant each prepared invoke reached the HTTP client, in µs. */
  private static final long LATENESS_LIMIT_MICROS = 60_000_000L;

  private final ConcurrentHistogram releaseLateness =
      new ConcurrentHistogram(LATENESS_LIMIT_MICROS, 2);

  final ExecutionInterceptor interceptor = new InstantNoter();

  /**
   * The instance whose interceptor {@code interceptor} is, if it is the one this class installs
   * beside its holding HTTP client.
   */
  static SendAtInstant ownerOf(ExecutionInterceptor interceptor) {
    return interceptor instanceof InstantNoter noter ? noter.owner() : null;
  }

  /**
   * How long after its instant each prepared invoke so far was handed to the HTTP client (the
   * sender thread's lateness, or the preparing thread's when the instant had passed), in µs.
   */
  Histogram releaseLateness() {
    return releaseLateness.copy();
  }

  private void released(long sendAtNanos) {
    long micros = (System.nanoTime() - sendAtNanos) / 1_000;
    releaseLateness.recordValue(Math.max(0, Math.min(micros, LATENESS_LIMIT_MICROS)));
  }

  /** The HTTP client {@code delegate} builds, holding each request until its instant. */
  SdkAsyncHttpClient.Builder<?> holding(SdkAsyncHttpClient.Builder<?> delegate) {
    return new HoldingHttpClientBuilder(delegate);
  }

  /** Notes each signed request's instant, just before the SDK hands it to the HTTP client. */
  private final class InstantNoter implements ExecutionInterceptor {
    SendAtInstant owner() {
      return SendAtInstant.this;
    }

    @Override
    public void beforeTransmission(
        Context.BeforeTransmission context, ExecutionAttributes attributes) {
      Long sendAt = attributes.getAttribute(SEND_AT_NANOS);
      if (sendAt != null) {
        context
            .httpRequest()
            .firstMatchingHeader(INVOCATION_ID)
            .ifPresent(id -> sendAtByInvocation.put(id, sendAt));
      }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
      String id = context.httpRequest().firstMatchingHeader(INVOCATION_ID).orElse(null);
      if (id != null && sendAtByInvocation.remove(id) != null) {
        throw new IllegalStateException(
            "an invoke prepared ahead left without waiting for its instant: the Lambda client's"
                + " HTTP client was replaced after LambdaWorkerInvoker.clientBuilder");
      }
    }

    @Override
    public void onExecutionFailure(
        Context.FailedExecution context, ExecutionAttributes attributes) {
      context
          .httpRequest()
          .flatMap(r -> r.firstMatchingHeader(INVOCATION_ID))
          .ifPresent(sendAtByInvocation::remove);
    }
  }

  private final class HoldingHttpClientBuilder
      implements SdkAsyncHttpClient.Builder<HoldingHttpClientBuilder> {
    private final SdkAsyncHttpClient.Builder<?> delegate;

    HoldingHttpClientBuilder(SdkAsyncHttpClient.Builder<?> delegate) {
      this.delegate = delegate;
    }

    @Override
    public SdkAsyncHttpClient buildWithDefaults(AttributeMap defaults) {
      return new HoldingHttpClient(delegate.buildWithDefaults(defaults));
    }
  }

  private final class HoldingHttpClient implements SdkAsyncHttpClient {
    private final SdkAsyncHttpClient delegate;
    private final ScheduledThreadPoolExecutor sender =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread t =
                  new Thread(
                      () -> {
                        SystemTimeSource.tightenTimerSlack();
                        task.run();
                      },
                      "invoke-sender");
              t.setDaemon(true);
              return t;
            });

    HoldingHttpClient(SdkAsyncHttpClient delegate) {
      this.delegate = delegate;
      // started now, on the thread building the client: started by the first request's thread
      // (a host's dispatch thread, at nice 4) it would inherit that nice value for good
      sender.prestartAllCoreThreads();
    }

    @Override
    public CompletableFuture<Void> execute(AsyncExecuteRequest request) {
      Long sendAt =
          request
              .request()
              .firstMatchingHeader(INVOCATION_ID)
              .map(sendAtByInvocation::remove)
              .orElse(null);
      long waitNanos = sendAt == null ? 0 : sendAt - System.nanoTime();
      if (waitNanos <= 0) {
        if (sendAt != null) {
          released(sendAt);
        }
        return delegate.execute(request);
      }
      // the SDK learns the outcome through the request's response handler; this future only
      // carries its timeout or cancellation to the request, held or sent
      CompletableFuture<Void> sent = new CompletableFuture<>();
      sender.schedule(() -> release(request, sent, sendAt), waitNanos, TimeUnit.NANOSECONDS);
      return sent;
    }

    private void release(
        AsyncExecuteRequest request, CompletableFuture<Void> sent, long sendAtNanos) {
      if (sent.isDone()) {
        return; // the SDK gave up on it (its call timed out): it never leaves
      }
      released(sendAtNanos);
      try {
        CompletableFuture<Void> sending = delegate.execute(request);
        sending.whenComplete(
            (ok, error) -> {
              if (error != null) {
                sent.completeExceptionally(error);
              } else {
                sent.complete(null);
              }
            });
        sent.whenComplete(
            (ok, error) -> {
              if (error != null) {
                sending.completeExceptionally(error); // the HTTP client cancels the stream
              }
            });
      } catch (RuntimeException | Error e) {
        request.responseHandler().onError(e);
        sent.completeExceptionally(e);
      }
    }

    @Override
    public String clientName() {
      return delegate.clientName();
    }

    /** Lets the requests held (at most a lead's worth) leave, then closes the HTTP client. */
    @Override
    public void close() {
      sender.shutdown();
      try {
        sender.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      delegate.close();
    }
  }
}
