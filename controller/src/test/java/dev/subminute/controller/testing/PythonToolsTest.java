package dev.subminute.controller.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.model.dynalite.DynaliteServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the tests' Python tools come from; the download itself is not exercised here. */
class PythonToolsTest {
  static final Map<String, String> PINS = Map.of("moto", "5.2.1", "cfn-lint", "1.51.0");
  static final Path VENV = Path.of("/repo/target/python-tools");
  static final Path REQUIREMENTS = Path.of("/repo/requirements-test.txt");

  @TempDir Path dir;

  @Test
  void the_requirements_file_pins_moto_and_cfn_lint() throws Exception {
    Path file = DynaliteServer.repositoryRoot().resolve(PythonTools.REQUIREMENTS);
    assertEquals(PINS, PythonTools.pins(Files.readAllLines(file)));
  }

  @Test
  void a_requirement_without_one_version_says_how_to_pin_it() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> PythonTools.pins(List.of("moto>=5  # any")));
    assertEquals(
        "requirements-test.txt: pin \"moto>=5\" to one version, as in name==1.2.3", e.getMessage());
  }

  @Test
  void the_tools_on_the_path_are_used_when_python3_there_has_every_pinned_version() {
    PythonTools.Plan plan =
        PythonTools.plan(
            PINS,
            Map.of("moto", "5.2.1", "cfn-lint", "1.51.0"),
            true,
            Map.of(),
            VENV,
            REQUIREMENTS);
    assertEquals(List.of(), plan.setup());
    assertNull(plan.bin());
    assertEquals(List.of("cfn-lint", "--version"), plan.command("cfn-lint", "--version"));
  }

  @Test
  void another_version_on_the_path_makes_a_virtual_environment_under_target_from_the_pins() {
    PythonTools.Plan plan =
        PythonTools.plan(
            PINS,
            Map.of("moto", "5.1.0", "cfn-lint", "1.51.0"),
            true,
            Map.of(),
            VENV,
            REQUIREMENTS);
    assertEquals(
        List.of(
            List.of("python3", "-m", "venv", "--clear", "/repo/target/python-tools"),
            List.of(
                "/repo/target/python-tools/bin/python3",
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--no-input",
                "-r",
                "/repo/requirements-test.txt")),
        plan.setup());
    assertEquals(
        List.of("/repo/target/python-tools/bin/moto_server", "-p", "5000"),
        plan.command("moto_server", "-p", "5000"));
  }

  @Test
  void pinned_packages_without_their_commands_on_the_path_make_the_environment_too() {
    PythonTools.Plan plan = PythonTools.plan(PINS, PINS, false, Map.of(), VENV, REQUIREMENTS);
    assertEquals(2, plan.setup().size());
    assertEquals(VENV.resolve("bin"), plan.bin());
  }

  @Test
  void an_environment_made_before_with_every_pin_is_reused() {
    PythonTools.Plan plan = PythonTools.plan(PINS, Map.of(), false, PINS, VENV, REQUIREMENTS);
    assertEquals(List.of(), plan.setup());
    assertEquals(List.of("/repo/target/python-tools/bin/cfn-lint"), plan.command("cfn-lint"));
  }

  @Test
  void installed_versions_are_read_from_what_the_interpreter_prints() throws Exception {
    Path python = dir.resolve("python3");
    Files.writeString(python, "#!/bin/sh\necho 'moto 5.2.1'\necho 'unrelated 1.0'\n");
    Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwx------"));
    assertEquals(
        Map.of("moto", "5.2.1"),
        PythonTools.installedVersions(python.toString(), List.of("moto", "cfn-lint")));
    assertEquals(
        Map.of(), PythonTools.installedVersions(dir.resolve("absent").toString(), List.of("moto")));
  }

  @Test
  void a_command_is_on_the_path_only_as_an_executable_file() throws Exception {
    Path tool = Files.createFile(dir.resolve("cfn-lint"));
    assertFalse(PythonTools.onPath("cfn-lint", dir.toString()));
    Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
    assertTrue(PythonTools.onPath("cfn-lint", "/nonexistent:" + dir));
    assertFalse(PythonTools.onPath("moto_server", "/nonexistent:" + dir));
  }

  @Test
  void only_the_pinned_tools_are_handed_out() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PythonTools.command("pip"));
    assertEquals("pip is not one of the Python test tools [moto_server, cfn-lint]", e.getMessage());
  }
}
