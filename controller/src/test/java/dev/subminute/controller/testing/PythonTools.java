package dev.subminute.controller.testing;

import dev.subminute.model.dynalite.DynaliteServer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Python tools the tests start ({@code moto_server}, {@code cfn-lint}) at the versions pinned
 * in {@code requirements-test.txt}. They come from the PATH when {@code python3} there has every
 * pinned version and both commands are on the PATH; otherwise from a virtual environment under
 * {@code target/python-tools}, made and filled from the requirements file on first use, as the
 * build installs the npm packages. Fails, never skips, when neither works.
 */
public final class PythonTools {
  static final String REQUIREMENTS = "requirements-test.txt";
  static final List<String> COMMANDS = List.of("moto_server", "cfn-lint");
  private static final Pattern PIN = Pattern.compile("([A-Za-z0-9_.-]+)(\\[[^]]*])?==(\\S+)");
  private static final String VERSIONS_SCRIPT =
      "import importlib.metadata as m, sys\n"
          + "for p in sys.argv[1:]:\n"
          + "    try:\n"
          + "        print(p, m.version(p))\n"
          + "    except m.PackageNotFoundError:\n"
          + "        pass\n";

  private static Plan resolved;

  private PythonTools() {}

  /**
   * How to get the tools.
   *
   * @param setup commands to run first, in order (empty when the tools are there)
   * @param bin the directory holding the tools, or null for the PATH
   */
  record Plan(List<List<String>> setup, Path bin) {
    List<String> command(String tool, String... args) {
      List<String> command = new ArrayList<>();
      command.add(bin == null ? tool : bin.resolve(tool).toString());
      command.addAll(List.of(args));
      return command;
    }
  }

  /** The command line that runs {@code tool} (one of {@link #COMMANDS}) with {@code args}. */
  public static synchronized List<String> command(String tool, String... args) {
    if (!COMMANDS.contains(tool)) {
      throw new IllegalArgumentException(tool + " is not one of the Python test tools " + COMMANDS);
    }
    if (resolved == null) {
      resolved = resolve();
    }
    return resolved.command(tool, args);
  }

  private static Plan resolve() {
    Path root = DynaliteServer.repositoryRoot();
    Path requirements = root.resolve(REQUIREMENTS);
    Path venv = root.resolve("target").resolve("python-tools");
    Map<String, String> pins;
    try {
      pins = pins(Files.readAllLines(requirements));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + requirements + ": " + e.getMessage(), e);
    }
    Path venvPython = venv.resolve("bin").resolve("python3");
    Plan plan =
        plan(
            pins,
            installedVersions("python3", pins.keySet()),
            COMMANDS.stream().allMatch(c -> onPath(c, System.getenv("PATH"))),
            Files.isExecutable(venvPython)
                ? installedVersions(venvPython.toString(), pins.keySet())
                : Map.of(),
            venv,
            requirements);
    for (List<String> step : plan.setup()) {
      run(step, requirements);
    }
    return plan;
  }

  /** The pinned versions by distribution name, such as {@code moto -> 5.2.1}. */
  static Map<String, String> pins(List<String> requirementLines) {
    Map<String, String> pins = new LinkedHashMap<>();
    for (String line : requirementLines) {
      String requirement = line.replaceFirst("#.*", "").strip();
      if (requirement.isEmpty()) {
        continue;
      }
      Matcher m = PIN.matcher(requirement);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            REQUIREMENTS + ": pin \"" + requirement + "\" to one version, as in name==1.2.3");
      }
      pins.put(m.group(1), m.group(3));
    }
    return pins;
  }

  /**
   * The decision: the PATH when its {@code python3} has every pin and the commands are on it; else
   * the virtual environment {@code venv}, made and filled first unless it has every pin already.
   */
  static Plan plan(
      Map<String, String> pins,
      Map<String, String> onPathVersions,
      boolean commandsOnPath,
      Map<String, String> venvVersions,
      Path venv,
      Path requirements) {
    Path bin = venv.resolve("bin");
    if (commandsOnPath && onPathVersions.entrySet().containsAll(pins.entrySet())) {
      return new Plan(List.of(), null);
    }
    if (venvVersions.entrySet().containsAll(pins.entrySet())) {
      return new Plan(List.of(), bin);
    }
    return new Plan(
        List.of(
            List.of("python3", "-m", "venv", "--clear", venv.toString()),
            List.of(
                bin.resolve("python3").toString(),
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--no-input",
                "-r",
                requirements.toString())),
        bin);
  }

  /** The versions of {@code packages} installed for {@code python}; absent ones left out. */
  static Map<String, String> installedVersions(String python, Collection<String> packages) {
    List<String> command = new ArrayList<>(List.of(python, "-c", VERSIONS_SCRIPT));
    command.addAll(packages);
    Map<String, String> versions = new LinkedHashMap<>();
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return versions;
      }
      for (String line : out.split("\n")) {
        String[] nameAndVersion = line.strip().split(" ");
        if (nameAndVersion.length == 2 && packages.contains(nameAndVersion[0])) {
          versions.put(nameAndVersion[0], nameAndVersion[1]);
        }
      }
    } catch (IOException notThere) {
      // no such interpreter: nothing installed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return versions;
  }

  static boolean onPath(String command, String path) {
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  private static void run(List<String> step, Path requirements) {
    String failure;
    try {
      Process p = new ProcessBuilder(step).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        failure = "did not finish in 10 minutes";
      } else if (p.exitValue() == 0) {
        return;
      } else {
        failure = "exited " + p.exitValue() + ": " + out.substring(out.lastIndexOf('\n') + 1);
      }
    } catch (IOException e) {
      failure = e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = "interrupted";
    }
    throw new IllegalStateException(
        "the Python test tools are not on the PATH at the pinned versions and `"
            + String.join(" ", step)
            + "` "
            + failure
            + "; install them with `pip install -r "
            + requirements
            + "` and run again");
  }
}
