package dev.subminute.controller.lambda;

import dev.subminute.controller.core.WorkerInvoker;
import dev.subminute.model.WorkerEvent;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.lambda.LambdaAsyncClientBuilder;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/** Invokes workers asynchronously (InvocationType EVENT): Lambda queues the event and returns. */
public final class LambdaWorkerInvoker implements WorkerInvoker {
  private final LambdaAsyncClient lambda;

  public LambdaWorkerInvoker(LambdaAsyncClient lambda) {
    this.lambda = lambda;
  }

  /**
   * The client every controller and host invokes through, up to {@code connections} requests at
   * once. Its HTTP runs on the AWS CRT client: in single runs on one core at 1,000 invokes a second
   * it took 0.28 of the core where the Netty client took 0.40, and made about half the garbage,
   * whose young collections set a host's worst tick (docs/results/host-capacity/FINDINGS.md).
   */
  public static LambdaAsyncClientBuilder clientBuilder(int connections) {
    return LambdaAsyncClient.builder()
        .httpClientBuilder(AwsCrtAsyncHttpClient.builder().maxConcurrency(connections))
        // an invoke's callbacks only count a failure: completing them on the thread that read the
        // answer spares a hand-off to the SDK's own pool for every invoke, on a host's one core
        .asyncConfiguration(
            c ->
                c.advancedOption(
                    SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR, Runnable::run));
  }

  @Override
  public CompletableFuture<Void> invoke(String workerArn, WorkerEvent event) {
    return lambda
        .invoke(
            r ->
                r.functionName(workerArn)
                    .invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromUtf8String(event.toJson())))
        .thenAccept(
            response -> {
              if (response.functionError() != null) {
                throw new IllegalStateException(
                    "invoke of " + workerArn + " failed: " + response.functionError());
              }
            });
  }
}
