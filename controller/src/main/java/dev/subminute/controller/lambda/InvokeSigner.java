package dev.subminute.controller.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner.AuthLocation;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;
import software.amazon.awssdk.utils.BinaryUtils;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * SigV4 for the one request a host sends thousands of times a second, a Lambda Invoke: a
 * header-signed request with a small body and no query string. It produces the same headers as the
 * SDK's own signer (tested against it), with the day's signing key derived once instead of per
 * request and each thread's buffers reused: on the thread that prepares an invoke, 55 KB per invoke
 * where the SDK's signer makes it 73 KB (docs/results/invoke-cost). Any request of another shape (a
 * query string, a dot segment in its path, a presigned, chunked, unsigned-payload or anonymous one)
 * is signed by the SDK's signer.
 */
final class InvokeSigner implements AwsV4HttpSigner {
  private static final AwsV4HttpSigner SDK = AwsV4HttpSigner.create();
  private static final Set<String> UNSIGNED_HEADERS =
      Set.of("connection", "x-amzn-trace-id", "user-agent", "expect");
  private static final String CONTENT_SHA256 = "x-amz-content-sha256";

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
  private static final int ENCODED_PATHS_KEPT = 1024;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** Each Lambda function's path, URL-encoded as SigV4 wants it: one per worker a host invokes. */
  private final Map<String, String> encodedPaths = new ConcurrentHashMap<>();

  /** The day's signing key, for the secret, region and service it was derived from. */
  private record SigningKey(String secret, String day, String region, String service, byte[] key) {
    boolean isFor(String secret, String day, String region, String service) {
      return this.secret.equals(secret)
          && this.day.equals(day)
          && this.region.equals(region)
          && this.service.equals(service);
    }
  }

  /** X-Amz-Date for one second. */
  private record DateTime(long epochSecond, String text) {}

  private volatile SigningKey signingKey = new SigningKey("", "", "", "", new byte[0]);
  private volatile DateTime dateTime = new DateTime(Long.MIN_VALUE, "");

  /** The SDK's SigV4 auth scheme with this signer. */
  static AwsV4AuthScheme authScheme() {
    return authScheme(new InvokeSigner());
  }

  /** The SDK's SigV4 auth scheme with {@code signer}. */
  static AwsV4AuthScheme authScheme(AwsV4HttpSigner signer) {
    return new AwsV4AuthScheme() {
      @Override
      public String schemeId() {
        return SCHEME_ID;
      }

      @Override
      public IdentityProvider<AwsCredentialsIdentity> identityProvider(
          IdentityProviders providers) {
        return providers.identityProvider(AwsCredentialsIdentity.class);
      }

      @Override
      public AwsV4HttpSigner signer() {
        return signer;
      }
    };
  }

  @Override
  public CompletableFuture<AsyncSignedRequest> signAsync(
      AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
    return SDK.signAsync(request);
  }

  @Override
  public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
    if (!isPlainInvoke(request)) {
      return SDK.sign(request);
    }
    AwsCredentialsIdentity credentials = request.identity();
    String region = request.requireProperty(REGION_NAME);
    String service = request.requireProperty(SERVICE_SIGNING_NAME);
    long epochSecond =
        request.requireProperty(SIGNING_CLOCK, Clock.systemUTC()).instant().getEpochSecond();
    String dateTime = amzDate(epochSecond);
    String day = dateTime.substring(0, 8);
    String scope = day + "/" + region + "/" + service + "/aws4_request";
    ContentStreamProvider payload = request.payload().orElse(null);
    String contentHash = BinaryUtils.toHex(payloadHash(payload));

    SdkHttpRequest.Builder signed = request.request().toBuilder();
    signed.putHeader("Host", hostHeader(signed));
    signed.putHeader(CONTENT_SHA256, contentHash);
    signed.putHeader("X-Amz-Date", dateTime);
    if (credentials instanceof AwsSessionCredentialsIdentity session) {
      signed.putHeader("X-Amz-Security-Token", session.sessionToken().trim());
    }
    List<String> names = new ArrayList<>();
    signed.forEachHeader(
        (name, values) -> {
          String lower = name.toLowerCase(java.util.Locale.ROOT);
          if (!UNSIGNED_HEADERS.contains(lower)) {
            names.add(lower);
          }
        });
    names.sort(null);
    Scratch scratch = SCRATCH.get();
    StringBuilder text = scratch.text;
    text.setLength(0);
    text.append(signed.method().name()).append('\n');
    text.append(encodedPath(signed.encodedPath())).append("\n\n");
    for (String name : names) {
      text.append(name).append(':');
      List<String> values = signed.matchingHeaders(name);
      for (int i = 0; i < values.size(); i++) {
        if (i > 0) {
          text.append(',');
        }
        appendTrimmed(text, values.get(i));
      }
      text.append('\n');
    }
    text.append('\n');
    int signedHeadersStart = text.length();
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        text.append(';');
      }
      text.append(names.get(i));
    }
    String signedHeaders = text.substring(signedHeadersStart);
    text.append('\n').append(contentHash);
    byte[] canonicalHash = scratch.sha256(text);

    text.setLength(0);
    text.append("AWS4-HMAC-SHA256\n").append(dateTime).append('\n').append(scope).append('\n');
    appendHex(text, canonicalHash);
    String secret = credentials.secretAccessKey().trim();
    byte[] signature = scratch.hmac(key(secret, day, region, service), text);
    text.setLength(0);
    text.append("AWS4-HMAC-SHA256 Credential=")
        .append(credentials.accessKeyId().trim())
        .append('/')
        .append(scope)
        .append(", SignedHeaders=")
        .append(signedHeaders)
        .append(", Signature=");
    appendHex(text, signature);
    signed.putHeader("Authorization", text.toString());
    return SignedRequest.builder().request(signed.build()).payload(payload).build();
  }

  /**
   * The shape this signer handles; for every other one the SDK's signer decides. The properties
   * checked are those that make the SDK's signer do more than sign the headers and the body.
   */
  static boolean isPlainInvoke(SignRequest<? extends AwsCredentialsIdentity> request) {
    SdkHttpRequest http = request.request();
    String path = http.encodedPath();
    return request.requireProperty(AUTH_LOCATION, AuthLocation.HEADER) == AuthLocation.HEADER
        && request.property(EXPIRATION_DURATION) == null
        && request.requireProperty(PAYLOAD_SIGNING_ENABLED, true)
        && !request.requireProperty(CHUNK_ENCODING_ENABLED, false)
        && request.property(CHECKSUM_ALGORITHM) == null
        && request.requireProperty(DOUBLE_URL_ENCODE, true)
        && request.requireProperty(NORMALIZE_PATH, true)
        && request.identity().secretAccessKey() != null
        && request.identity().accessKeyId() != null
        && http.rawQueryParameters().isEmpty()
        && http.firstMatchingHeader(CONTENT_SHA256).isEmpty()
        && http.firstMatchingHeader("Host").isEmpty()
        && http.firstMatchingHeader("x-amz-trailer").isEmpty()
        && path.startsWith("/")
        && !path.contains("/.")
        && !path.contains("//");
  }

  private byte[] key(String secret, String day, String region, String service) {
    SigningKey current = signingKey;
    if (!current.isFor(secret, day, region, service)) {
      byte[] key = ("AWS4" + secret).getBytes(StandardCharsets.UTF_8);
      for (String part : new String[] {day, region, service, "aws4_request"}) {
        key = hmac(key, part.getBytes(StandardCharsets.UTF_8));
      }
      current = new SigningKey(secret, day, region, service, key);
      signingKey = current;
    }
    return current.key();
  }

  private String amzDate(long epochSecond) {
    DateTime current = dateTime;
    if (current.epochSecond() != epochSecond) {
      current = new DateTime(epochSecond, format(epochSecond));
      dateTime = current;
    }
    return current.text();
  }

  private static String format(long epochSecond) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
    return String.format(
        "%04d%02d%02dT%02d%02d%02dZ",
        t.getYear(),
        t.getMonthValue(),
        t.getDayOfMonth(),
        t.getHour(),
        t.getMinute(),
        t.getSecond());
  }

  /** The SDK's host header: the host, and the port unless it is the scheme's own. */
  private static String hostHeader(SdkHttpRequest.Builder request) {
    return SdkHttpUtils.isUsingStandardPort(request.protocol(), request.port())
        ? request.host()
        : request.host() + ":" + request.port();
  }

  /** Trims the value and collapses each run of white space inside it to one space. */
  private static void appendTrimmed(StringBuilder out, String value) {
    boolean pendingSpace = false;
    boolean started = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\r' || c == '\f') {
        pendingSpace = started;
      } else {
        if (pendingSpace) {
          out.append(' ');
          pendingSpace = false;
        }
        out.append(c);
        started = true;
      }
    }
  }

  private String encodedPath(String path) {
    String encoded = encodedPaths.get(path);
    if (encoded == null) {
      if (encodedPaths.size() >= ENCODED_PATHS_KEPT) {
        encodedPaths.clear();
      }
      encoded = SdkHttpUtils.urlEncodeIgnoreSlashes(path);
      encodedPaths.put(path, encoded);
    }
    return encoded;
  }

  private static void appendHex(StringBuilder out, byte[] bytes) {
    for (byte b : bytes) {
      out.append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
    }
  }

  /** The body's SHA-256, read through one buffer per thread. */
  private static byte[] payloadHash(ContentStreamProvider payload) {
    Scratch scratch = SCRATCH.get();
    MessageDigest digest = scratch.digest;
    digest.reset();
    if (payload == null) {
      return digest.digest();
    }
    try (InputStream in = payload.newStream()) {
      for (int n = in.read(scratch.bytes); n >= 0; n = in.read(scratch.bytes)) {
        digest.update(scratch.bytes, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the request body to sign it", e);
    }
    return digest.digest();
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    return SCRATCH.get().keyedWith(key).doFinal(data);
  }

  /**
   * What one thread reuses for every request it signs, so that a signature allocates little more
   * than its headers: the text it hashes, a byte buffer (for the body as it is read, then for the
   * text as UTF-8), a digest, and an HMAC keyed with the last key it was given.
   */
  private static final class Scratch {
    final StringBuilder text = new StringBuilder(1024);
    byte[] bytes = new byte[4096];
    final MessageDigest digest = newInstance(() -> MessageDigest.getInstance("SHA-256"));
    private final Mac mac = newInstance(() -> Mac.getInstance("HmacSHA256"));
    private byte[] macKey;

    byte[] sha256(CharSequence chars) {
      int length = encode(chars); // before reading bytes, which it may replace by a larger array
      digest.reset();
      digest.update(bytes, 0, length);
      return digest.digest();
    }

    byte[] hmac(byte[] key, CharSequence chars) {
      int length = encode(chars);
      Mac keyed = keyedWith(key);
      keyed.update(bytes, 0, length);
      return keyed.doFinal();
    }

    /**
     * The HMAC keyed with {@code key}, keyed again only when given another array: a signing key is
     * derived once a day into a new array and never changed in place.
     */
    Mac keyedWith(byte[] key) {
      if (key != macKey) {
        try {
          mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException("HmacSHA256 refused a key", e);
        }
        macKey = key;
      }
      return mac;
    }

    /** Writes {@code chars} as UTF-8 into {@link #bytes}; returns how many bytes it took. */
    private int encode(CharSequence chars) {
      int length = chars.length();
      if (bytes.length < length) {
        bytes = new byte[Math.max(length, 2 * bytes.length)];
      }
      for (int i = 0; i < length; i++) {
        char c = chars.charAt(i);
        if (c >= 0x80) {
          byte[] utf8 = chars.toString().getBytes(StandardCharsets.UTF_8);
          if (bytes.length < utf8.length) {
            bytes = new byte[utf8.length];
          }
          System.arraycopy(utf8, 0, bytes, 0, utf8.length);
          return utf8.length;
        }
        bytes[i] = (byte) c;
      }
      return length;
    }
  }

  private interface Factory<T> {
    T create() throws GeneralSecurityException;
  }

  private static <T> T newInstance(Factory<T> factory) {
    try {
      return factory.create();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM lacks SHA-256 or HmacSHA256", e);
    }
  }
}
