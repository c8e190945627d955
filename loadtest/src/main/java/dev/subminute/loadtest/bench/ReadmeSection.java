package dev.subminute.loadtest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A generated part of the README, between {@code <!-- bench:NAME -->} and {@code <!-- /bench:NAME
 * -->}: the bench command rewrites what is between, never the prose around it.
 */
final class ReadmeSection {
  private ReadmeSection() {}

  static void replace(Path readme, String name, String content) throws IOException {
    Files.writeString(readme, replace(Files.readString(readme), name, content));
  }

  static String replace(String text, String name, String content) {
    String begin = "<!-- bench:" + name + " -->\n";
    String end = "<!-- /bench:" + name + " -->";
    int from = text.indexOf(begin);
    int to = from < 0 ? -1 : text.indexOf(end, from);
    if (to < 0) {
      throw new IllegalStateException(
          "the README has no generated section "
              + name
              + "; put the lines "
              + begin.strip()
              + " and "
              + end
              + " where its figures go");
    }
    String body = content.endsWith("\n") ? content : content + "\n";
    return text.substring(0, from + begin.length()) + body + text.substring(to);
  }
}
