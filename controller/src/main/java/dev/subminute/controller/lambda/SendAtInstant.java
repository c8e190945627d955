package dev.subminute.controller.lambda;

import dev.subminute.controller.time.SystemTimeSource;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
 * carried in {@link #SEND_AT_NANOS}, and one sender thread releases it. Ten ticks due in one 10 ms
 * slot then leave together, instead of each after the others' preparation. A request whose instant
 * has passed, a retry among them, leaves at once; a signature stays valid for minutes.
 */
final class SendAtInstant {
  /** The monotonic instant ({@link System#nanoTime()}) an invoke leaves at, set per request. */
  static final ExecutionAttribute<Long> SEND_AT_NANOS = new ExecutionAttribute<>("sendAtNanos");

  // the one header that tells the interceptor's request apart when the HTTP client receives it
  private static final String INVOCATION_ID = "amz-sdk-invocation-id";

  private final Map<String, Long> sendAtByInvocation = new ConcurrentHashMap<>();

  final ExecutionInterceptor interceptor = new NotesInstants();

  /** Whether {@code interceptor} is one this class installs, with its holding HTTP client. */
  static boolean isOurs(ExecutionInterceptor interceptor) {
    return interceptor instanceof NotesInstants;
  }

  /** Notes each signed request's instant, just before the SDK hands it to the HTTP client. */
  private final class NotesInstants implements ExecutionInterceptor {
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
    public void onExecutionFailure(
        Context.FailedExecution context, ExecutionAttributes attributes) {
      context
          .httpRequest()
          .flatMap(r -> r.firstMatchingHeader(INVOCATION_ID))
          .ifPresent(sendAtByInvocation::remove);
    }
  }

  /** The HTTP client {@code delegate} builds, holding each request until its instant. */
  SdkAsyncHttpClient.Builder<?> holding(SdkAsyncHttpClient.Builder<?> delegate) {
    return new HoldingBuilder(delegate);
  }

  private final class HoldingBuilder implements SdkAsyncHttpClient.Builder<HoldingBuilder> {
    private final SdkAsyncHttpClient.Builder<?> delegate;

    HoldingBuilder(SdkAsyncHttpClient.Builder<?> delegate) {
      this.delegate = delegate;
    }

    @Override
    public SdkAsyncHttpClient buildWithDefaults(AttributeMap defaults) {
      return new Holding(delegate.buildWithDefaults(defaults));
    }
  }

  private final class Holding implements SdkAsyncHttpClient {
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
              t.setPriority(Thread.MAX_PRIORITY);
              return t;
            });

    Holding(SdkAsyncHttpClient delegate) {
      this.delegate = delegate;
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
        return delegate.execute(request);
      }
      CompletableFuture<Void> sent = new CompletableFuture<>();
      sender.schedule(
          () -> {
            if (sent.isDone()) {
              return; // the SDK gave up on it (its call timed out): it never leaves
            }
            delegate
                .execute(request)
                .whenComplete(
                    (ok, error) -> {
                      if (error != null) {
                        sent.completeExceptionally(error);
                      } else {
                        sent.complete(null);
                      }
                    });
          },
          waitNanos,
          TimeUnit.NANOSECONDS);
      return sent;
    }

    @Override
    public String clientName() {
      return delegate.clientName();
    }

    @Override
    public void close() {
      sender.shutdownNow();
      delegate.close();
    }
  }
}
