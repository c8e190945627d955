package dev.subminute.loadtest;

import dev.subminute.local.cli.SubminuteCommand;

/** The {@code subminute} command with every subcommand: local, jobs, loadtest. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(
        SubminuteCommand.commandLine()
            .addSubcommand("loadtest", new LoadtestCommand())
            .addSubcommand("soak", new dev.subminute.loadtest.soak.SoakCommand())
            .execute(args));
  }
}
