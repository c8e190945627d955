package dev.subminute.infra;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Lambda Invoke API for moto's Step Functions interpreter: {@code POST
 * /2015-03-31/functions/NAME/invocations} runs the function registered under NAME (RequestResponse:
 * its result is the response; Event: 202 at once, the function runs on), everything else goes on to
 * moto unchanged.
 */
final class LambdaProxy implements AutoCloseable {
  /** A function: the request payload in, the response payload out. */
  interface Function {
    byte[] invoke(byte[] payload) throws Exception;
  }

  private static final Pattern INVOKE =
      Pattern.compile("/2015-03-31/functions/([^/]+)/invocations");
  private static final Set<String> HOP_HEADERS =
      Set.of("host", "content-length", "connection", "transfer-encoding", "expect", "upgrade");

  private final HttpServer server;
  private final URI moto;
  private final HttpClient client = HttpClient.newHttpClient();
  private final Map<String, Function> functions = new ConcurrentHashMap<>();
  private final ExecutorService running = Executors.newCachedThreadPool();
  private final ConcurrentHashMap<String, Throwable> failures = new ConcurrentHashMap<>();

  LambdaProxy(int port, URI moto) throws IOException {
    this.moto = moto;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Registers a function by its name (the last part of its ARN). */
  LambdaProxy register(String name, Function function) {
    functions.put(name, function);
    return this;
  }

  /** Functions that threw, by name: a test asserts there are none. */
  Map<String, Throwable> failures() {
    return failures;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Matcher invoke = INVOKE.matcher(exchange.getRequestURI().getRawPath());
      if (exchange.getRequestMethod().equals("POST") && invoke.matches()) {
        invoke(exchange, functionName(invoke.group(1)));
      } else {
        forward(exchange);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void invoke(HttpExchange exchange, String name) throws IOException {
    Function function = functions.get(name);
    byte[] payload = exchange.getRequestBody().readAllBytes();
    if (function == null) {
      respond(exchange, 404, ("{\"message\":\"no function " + name + "\"}").getBytes());
      return;
    }
    boolean event = "Event".equals(exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type"));
    if (event) {
      running.execute(() -> run(name, function, payload));
      respond(exchange, 202, new byte[0]);
      return;
    }
    byte[] result = run(name, function, payload);
    if (result == null) {
      exchange.getResponseHeaders().add("X-Amz-Function-Error", "Unhandled");
      respond(exchange, 200, "{\"errorMessage\":\"failed\"}".getBytes());
    } else {
      respond(exchange, 200, result);
    }
  }

  private byte[] run(String name, Function function, byte[] payload) {
    try {
      return function.invoke(payload);
    } catch (Throwable t) {
      failures.put(name, t);
      return null;
    }
  }

  private void forward(HttpExchange exchange) throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(moto.resolve(exchange.getRequestURI().toString()))
            .method(
                exchange.getRequestMethod(),
                HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()));
    exchange
        .getRequestHeaders()
        .forEach(
            (header, values) -> {
              if (!HOP_HEADERS.contains(header.toLowerCase())) {
                values.forEach(v -> request.header(header, v));
              }
            });
    HttpResponse<byte[]> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    response
        .headers()
        .map()
        .forEach(
            (header, values) -> {
              if (!HOP_HEADERS.contains(header.toLowerCase()) && !header.startsWith(":")) {
                values.forEach(v -> exchange.getResponseHeaders().add(header, v));
              }
            });
    respond(exchange, response.statusCode(), response.body());
  }

  private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static String functionName(String raw) {
    String name = URLDecoder.decode(raw, StandardCharsets.UTF_8);
    int function = name.indexOf("function:");
    return function < 0 ? name : name.substring(function + "function:".length());
  }

  @Override
  public void close() {
    server.stop(0);
    running.shutdownNow();
  }
}
