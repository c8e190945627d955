package dev.subminute.cli;

import dev.subminute.loadtest.LoadtestCommand;
import dev.subminute.loadtest.bench.BenchCommand;
import dev.subminute.loadtest.soak.SoakCommand;
import dev.subminute.local.cli.SubminuteCommand;
import dev.subminute.local.cli.SubminuteCommand.Subcommand;
import picocli.CommandLine;

/** The {@code subminute} command with every subcommand: local, jobs, loadtest, soak, bench. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(commandLine(args).execute(args));
  }

  /**
   * The command line for {@code args}; see {@link SubminuteCommand#commandLine(String[],
   * Subcommand...)}.
   */
  static CommandLine commandLine(String[] args) {
    // lambdas, not constructor references: a reference loads its class when it is evaluated
    return SubminuteCommand.commandLine(
        args,
        new Subcommand("loadtest", () -> new LoadtestCommand()),
        new Subcommand("soak", () -> new SoakCommand()),
        new Subcommand("bench", () -> new BenchCommand()));
  }
}
