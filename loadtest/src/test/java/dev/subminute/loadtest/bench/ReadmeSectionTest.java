package dev.subminute.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ReadmeSectionTest {
  static final String README =
      "## Measured\n\nprose before\n\n<!-- bench:performance -->\nold table\n"
          + "<!-- /bench:performance -->\n\nprose after\n";

  @Test
  void only_what_is_between_the_markers_changes() {
    assertEquals(
        "## Measured\n\nprose before\n\n<!-- bench:performance -->\nnew | table\n"
            + "<!-- /bench:performance -->\n\nprose after\n",
        ReadmeSection.replace(README, "performance", "new | table"));
  }

  @Test
  void an_end_marker_quoted_before_the_section_is_not_taken_for_its_end() {
    String quoted = "prose naming <!-- /bench:performance -->\n" + README;
    assertEquals(
        "prose naming <!-- /bench:performance -->\n"
            + ReadmeSection.replace(README, "performance", "new"),
        ReadmeSection.replace(quoted, "performance", "new"));
  }

  @Test
  void a_readme_without_the_markers_is_refused_with_what_to_add() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> ReadmeSection.replace(README, "reliability", "figures"));
    assertEquals(
        "the README has no generated section reliability; put the lines <!-- bench:reliability"
            + " --> and <!-- /bench:reliability --> where its figures go",
        e.getMessage());
  }

  @Test
  void the_file_is_rewritten_in_place(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path readme = dir.resolve("README.md");
    Files.writeString(readme, README);
    ReadmeSection.replace(readme, "performance", "table\n");
    assertTrue(Files.readString(readme).contains("-->\ntable\n<!-- /bench"));
  }
}
