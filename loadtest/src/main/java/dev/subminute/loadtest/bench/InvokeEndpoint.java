package dev.subminute.loadtest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A loopback Lambda Invoke endpoint ({@code POST /2015-03-31/functions/{name}/invocations}): stamps
 * each arrival with its own clock reading, records it by (jobId, plannedAt) from the worker event,
 * and answers 202 after a delay, as Lambda accepts an EVENT invoke. One event loop thread reads the
 * socket, stamps, records and answers, so the stamp is taken in the same turn that read the
 * request's bytes, with no hand-off to another thread between the socket and the clock.
 */
final class InvokeEndpoint implements AutoCloseable {
  private static final String PREFIX = "/2015-03-31/functions/";

  private final ObjectMapper json = new ObjectMapper();
  private final Clock clock = Clock.systemUTC();
  private final Receipts receipts;
  private final long answerDelayMs;
  private final EventLoopGroup loop =
      new NioEventLoopGroup(1, new DefaultThreadFactory("endpoint", true));
  private final Channel server;
  private final LongAdder rejected = new LongAdder();

  InvokeEndpoint(Receipts receipts, long answerDelayMs) throws IOException {
    this.receipts = receipts;
    this.answerDelayMs = answerDelayMs;
    try {
      server =
          new ServerBootstrap()
              .group(loop)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 1024)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                      channel
                          .pipeline()
                          .addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20))
                          .addLast(new Invocations());
                    }
                  })
              .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
              .sync()
              .channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw new IOException("interrupted while binding the endpoint", e);
    }
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort());
  }

  /** Requests that were not an EVENT invoke of a worker event: answered 400 or 404. */
  long rejected() {
    return rejected.sum();
  }

  private final class Invocations extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      Instant arrival = clock.instant();
      long arrivalMicros = arrival.getEpochSecond() * 1_000_000L + arrival.getNano() / 1_000;
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      String path = URI.create(request.uri()).getPath();
      if (!HttpMethod.POST.equals(request.method())
          || !path.startsWith(PREFIX)
          || !path.endsWith("/invocations")) {
        reject(ctx, HttpResponseStatus.NOT_FOUND, keepAlive);
        return;
      }
      JsonNode event;
      try {
        event = json.readTree((InputStream) new ByteBufInputStream(request.content()));
      } catch (IOException notJson) {
        reject(ctx, HttpResponseStatus.BAD_REQUEST, keepAlive);
        return;
      }
      if (!"Event".equals(request.headers().get("X-Amz-Invocation-Type"))
          || event == null
          || !event.hasNonNull("jobId")
          || !event.hasNonNull("plannedAt")
          || !event.hasNonNull("firedAt")) {
        reject(ctx, HttpResponseStatus.BAD_REQUEST, keepAlive);
        return;
      }
      receipts.record(
          event.get("jobId").asText(),
          event.get("plannedAt").asLong(),
          event.get("firedAt").asLong(),
          arrivalMicros);
      ctx.executor()
          .schedule(
              () -> answer(ctx, HttpResponseStatus.ACCEPTED, keepAlive),
              answerDelayMs,
              TimeUnit.MILLISECONDS);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // the client went away mid-request: nothing to answer
    }
  }

  private void reject(ChannelHandlerContext ctx, HttpResponseStatus status, boolean keepAlive) {
    rejected.increment();
    answer(ctx, status, keepAlive);
  }

  private static void answer(
      ChannelHandlerContext ctx, HttpResponseStatus status, boolean keepAlive) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
    HttpUtil.setContentLength(response, 0);
    HttpUtil.setKeepAlive(response, keepAlive);
    var written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
