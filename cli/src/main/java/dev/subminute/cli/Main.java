package dev.subminute.cli;

import dev.subminute.loadtest.LoadtestCommand;
import dev.subminute.loadtest.bench.BenchCommand;
import dev.subminute.loadtest.soak.SoakCommand;
import dev.subminute.local.cli.SubminuteCommand;

/** The {@code subminute} command with every subcommand: local, jobs, loadtest, soak, bench. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(
        SubminuteCommand.commandLine()
            .addSubcommand("loadtest", new LoadtestCommand())
            .addSubcommand("soak", new SoakCommand())
            .addSubcommand("bench", new BenchCommand())
            .execute(args));
  }
}
