package dev.subminute.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The workers' Lambda package as the build makes it: without the clients no worker loads (Netty,
 * Apache 5, the enhanced client), and still a working handler on its own classpath.
 */
class WorkerPackageIT {
  static final Path JAR =
      SubminuteApp.repositoryRoot().resolve("worker/target").resolve(SubminuteApp.WORKER_JAR);

  @Test
  void the_worker_jar_carries_no_client_a_worker_does_not_load() throws Exception {
    long bytes = Files.size(JAR);
    try (JarFile jar = new JarFile(JAR.toFile())) {
      long classes = jar.stream().filter(e -> e.getName().endsWith(".class")).count();
      for (String prefix :
          List.of(
              "io/netty/",
              "org/apache/hc/",
              "software/amazon/awssdk/http/nio/",
              "software/amazon/awssdk/enhanced/")) {
        assertTrue(
            jar.stream().noneMatch(e -> e.getName().startsWith(prefix)), prefix + " in " + JAR);
      }
      System.out.printf(
          "worker package: %.1f MB zipped, %d classes%n", bytes / 1_048_576.0, classes);
      assertTrue(bytes < 16 * 1_048_576L, "worker package of " + bytes + " bytes");
      assertTrue(classes < 12_000, classes + " classes");
    }
  }

  @Test
  void its_log_handler_runs_from_the_jar_alone() throws Exception {
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {JAR.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
      Class<?> handlerClass = loader.loadClass("dev.subminute.worker.lambda.LogHandler");
      Class<?> context = loader.loadClass("com.amazonaws.services.lambda.runtime.Context");
      Object handler = handlerClass.getConstructor().newInstance();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      String event =
          "{\"jobId\":\"j\",\"plannedAt\":1795651200000,\"firedAt\":1795651200000123,"
              + "\"intervalMs\":1000,\"payload\":{},\"execution\":\"j-1\"}";
      handlerClass
          .getMethod("handleRequest", InputStream.class, OutputStream.class, context)
          .invoke(
              handler, new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
      assertEquals("{}", out.toString(StandardCharsets.UTF_8));
    }
  }
}
