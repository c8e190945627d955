package dev.subminute.controller.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/** The invoke signer against the SDK's own signer, on the same requests at the same instant. */
class InvokeSignerTest {
  private static final AwsV4HttpSigner SDK = AwsV4HttpSigner.create();
  private static final Clock AT =
      Clock.fixed(Instant.parse("2026-11-27T10:11:12Z"), ZoneOffset.UTC);
  private static final String ARN = "arn:aws:lambda:eu-west-1:123456789012:function:worker";

  @Test
  void signsAnInvokeTheRealClientBuiltAsTheSdkSignerDoes() throws Exception {
    SignRequest<? extends AwsCredentialsIdentity> built = requestTheClientSigns();
    assertTrue(built.request().encodedPath().contains("%3A"), built.request().encodedPath());
    assertTrue(built.request().firstMatchingHeader("amz-sdk-invocation-id").isPresent());
    SignRequest<? extends AwsCredentialsIdentity> atInstant =
        built.copy(r -> r.putProperty(AwsV4HttpSigner.SIGNING_CLOCK, AT));

    assertTrue(InvokeSigner.isPlainInvoke(atInstant), "signed by the SDK's signer, not this one");
    assertSameAsSdk(new InvokeSigner(), atInstant);
  }

  @Test
  void signsWithSessionCredentialsOnAnyPortAsTheSdkSignerDoes() {
    AwsSessionCredentialsIdentity session =
        AwsSessionCredentialsIdentity.create(" AKIDSESSION ", "secret/with+chars", "token==  ");
    InvokeSigner signer = new InvokeSigner();
    for (String endpoint :
        new String[] {
          "https://lambda.eu-west-1.amazonaws.com",
          "https://lambda.eu-west-1.amazonaws.com:8443",
          "http://127.0.0.1:4566"
        }) {
      assertTrue(InvokeSigner.isPlainInvoke(request(endpoint, session, AT)));
      assertSameAsSdk(signer, request(endpoint, session, AT));
    }
  }

  @Test
  void trimsJoinsAndEncodesHeaderValuesAsTheSdkSignerDoes() {
    SdkHttpFullRequest http =
        invoke("https://lambda.eu-west-1.amazonaws.com")
            .putHeader("X-Custom", java.util.List.of("  two   words ", "\tsecond\n value", ""))
            .putHeader("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1")
            .putHeader("X-Place", "Zürich ☃")
            .build();
    InvokeSigner signer = new InvokeSigner();
    assertSameAsSdk(signer, signRequest(http, basic(), AT));
    assertSameAsSdk(signer, request("https://lambda.eu-west-1.amazonaws.com", basic(), AT));
  }

  @Test
  void signsTextLongerThanItsBufferAndEachFunctionsOwnPath() {
    InvokeSigner signer = new InvokeSigner();
    SdkHttpFullRequest longAscii =
        invoke("https://lambda.eu-west-1.amazonaws.com")
            .putHeader("X-Long", "a".repeat(5_000))
            .build();
    SdkHttpFullRequest longUtf8 =
        invoke("https://lambda.eu-west-1.amazonaws.com")
            .putHeader("X-Snow", "☃".repeat(2_000))
            .build();
    SdkHttpFullRequest otherFunction =
        invoke("https://lambda.eu-west-1.amazonaws.com")
            .encodedPath("/2015-03-31/functions/other-worker/invocations")
            .build();
    for (SdkHttpFullRequest http : java.util.List.of(longAscii, longUtf8, otherFunction)) {
      assertSameAsSdk(signer, signRequest(http, basic(), AT));
    }
    assertSameAsSdk(signer, request("https://lambda.eu-west-1.amazonaws.com", basic(), AT));
  }

  @Test
  void threadsSigningAtOnceWithOtherKeysEachSignAsTheSdkSignerDoes() throws Exception {
    InvokeSigner signer = new InvokeSigner();
    java.util.concurrent.ExecutorService threads =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<?>> signing = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        AwsCredentialsIdentity credentials =
            AwsCredentialsIdentity.create("AKID" + t, "secret-" + t);
        Clock day = Clock.fixed(Instant.parse("2026-11-2" + t + "T10:00:00Z"), ZoneOffset.UTC);
        signing.add(
            threads.submit(
                () -> {
                  for (int i = 0; i < 200; i++) {
                    assertSameAsSdk(
                        signer,
                        request("https://lambda.eu-west-1.amazonaws.com", credentials, day));
                  }
                }));
      }
      for (var each : signing) {
        each.get(); // an assertion failed on a thread fails here
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void derivesANewKeyWhenTheDayOrTheCredentialsChange() {
    InvokeSigner signer = new InvokeSigner();
    Clock beforeMidnight = Clock.fixed(Instant.parse("2026-11-27T23:59:59Z"), ZoneOffset.UTC);
    Clock afterMidnight = Clock.fixed(Instant.parse("2026-11-28T00:00:01Z"), ZoneOffset.UTC);
    String endpoint = "https://lambda.eu-west-1.amazonaws.com";
    assertSameAsSdk(signer, request(endpoint, basic(), beforeMidnight));
    assertSameAsSdk(signer, request(endpoint, basic(), afterMidnight));
    assertSameAsSdk(
        signer,
        request(endpoint, AwsCredentialsIdentity.create("AKIDROTATED", "new"), afterMidnight));
  }

  @Test
  void leavesEveryOtherShapeToTheSdkSigner() {
    SdkHttpFullRequest withQualifier =
        invoke("https://lambda.eu-west-1.amazonaws.com")
            .putRawQueryParameter("Qualifier", "live")
            .build();
    SdkHttpFullRequest withDotSegment =
        invoke("https://lambda.eu-west-1.amazonaws.com").encodedPath("/a/./b/../c").build();
    InvokeSigner signer = new InvokeSigner();
    SignRequest<? extends AwsCredentialsIdentity> unsignedPayload =
        request("https://lambda.eu-west-1.amazonaws.com", basic(), AT)
            .copy(r -> r.putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false));
    for (var other :
        java.util.List.of(
            signRequest(withQualifier, basic(), AT),
            signRequest(withDotSegment, basic(), AT),
            unsignedPayload)) {
      assertFalse(InvokeSigner.isPlainInvoke(other), other.request().getUri().toString());
      assertSameAsSdk(signer, other);
    }
  }

  private static void assertSameAsSdk(
      InvokeSigner signer, SignRequest<? extends AwsCredentialsIdentity> request) {
    SignedRequest expected = SDK.sign(request);
    SignedRequest actual = signer.sign(request);
    assertEquals(headers(expected.request()), headers(actual.request()));
    assertEquals(expected.request().getUri(), actual.request().getUri());
    assertNotNull(headers(actual.request()).get("authorization"));
    assertEquals(body(expected), body(actual));
  }

  private static Map<String, java.util.List<String>> headers(SdkHttpRequest request) {
    Map<String, java.util.List<String>> lower = new TreeMap<>();
    request.forEachHeader((name, values) -> lower.put(name.toLowerCase(), values));
    return lower;
  }

  private static String body(SignedRequest signed) {
    return signed
        .payload()
        .map(
            p -> {
              try (var in = p.newStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            })
        .orElse("");
  }

  private static AwsCredentialsIdentity basic() {
    return AwsCredentialsIdentity.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  }

  private static SdkHttpFullRequest.Builder invoke(String endpoint) {
    return SdkHttpFullRequest.builder()
        .method(SdkHttpMethod.POST)
        .uri(
            URI.create(
                endpoint + "/2015-03-31/functions/" + ARN.replace(":", "%3A") + "/invocations"))
        .putHeader("X-Amz-Invocation-Type", "Event")
        .putHeader("Content-Type", "application/json")
        .putHeader("User-Agent", "aws-sdk-java/2  ua/2.1")
        .putHeader("Content-Length", "27");
  }

  private static SignRequest<? extends AwsCredentialsIdentity> request(
      String endpoint, AwsCredentialsIdentity credentials, Clock clock) {
    return signRequest(invoke(endpoint).build(), credentials, clock);
  }

  private static SignRequest<? extends AwsCredentialsIdentity> signRequest(
      SdkHttpFullRequest http, AwsCredentialsIdentity credentials, Clock clock) {
    byte[] body = "{\"jobId\":\"a\",\"plannedAt\":1}".getBytes(StandardCharsets.UTF_8);
    return SignRequest.builder(credentials)
        .request(http)
        .payload(() -> new ByteArrayInputStream(body))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "lambda")
        .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-1")
        .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock)
        .build();
  }

  /**
   * The sign request the Lambda client from {@link LambdaWorkerInvoker#clientBuilder} hands its
   * signer for one EVENT invoke; the invoke itself goes nowhere (nothing listens on port 9).
   */
  private static SignRequest<? extends AwsCredentialsIdentity> requestTheClientSigns()
      throws Exception {
    AtomicReference<SignRequest<? extends AwsCredentialsIdentity>> seen = new AtomicReference<>();
    AwsV4HttpSigner recording =
        new AwsV4HttpSigner() {
          @Override
          public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
            seen.set(request);
            return SDK.sign(request);
          }

          @Override
          public CompletableFuture<AsyncSignedRequest> signAsync(
              AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
            throw new AssertionError("the client signs an invoke synchronously");
          }
        };
    try (LambdaAsyncClient client =
        LambdaWorkerInvoker.clientBuilder(2)
            .putAuthScheme(InvokeSigner.authScheme(recording))
            .endpointOverride(URI.create("http://127.0.0.1:9"))
            .region(Region.EU_WEST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(
                        "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")))
            .build()) {
      assertThrows(
          ExecutionException.class,
          () ->
              client
                  .invoke(
                      r ->
                          r.functionName(ARN)
                              .invocationType(InvocationType.EVENT)
                              .payload(SdkBytes.fromUtf8String("{\"jobId\":\"a\"}")))
                  .get(20, TimeUnit.SECONDS));
    }
    assertNotNull(seen.get(), "the client never asked its signer");
    return seen.get();
  }
}
