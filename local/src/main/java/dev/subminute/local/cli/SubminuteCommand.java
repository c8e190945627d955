package dev.subminute.local.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code subminute} command. */
@Command(
    name = "subminute",
    mixinStandardHelpOptions = true,
    version = "subminute 0.1.0",
    description = "Sub-second timers: one DynamoDB item per job.")
public final class SubminuteCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = ErrorReporting.VERBOSE,
      scope = ScopeType.INHERIT,
      description = "print the stack trace of an error")
  boolean verbose;

  /** A subcommand by its name, made only when the command line needs it. */
  public record Subcommand(String name, Supplier<Object> command) {}

  /** A command whose subcommands are made only when the command line needs them. */
  interface WithSubcommands {
    List<Subcommand> subcommands();
  }

  // lambdas, not constructor references: a reference loads its class when it is evaluated
  private static final List<Subcommand> BUILT_IN =
      List.of(
          new Subcommand("local", () -> new LocalCommand()),
          new Subcommand("jobs", () -> new JobsCommand()));

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The command line with every subcommand and its error reporting. */
  public static CommandLine commandLine() {
    return commandLine(new String[0]);
  }

  /**
   * The command line for {@code args}: {@code local}, {@code jobs} and then {@code more}, with its
   * error reporting (one line per error, exit code by kind). Picocli reflects on every option of
   * every subcommand it is given, and that is most of a short command's start-up, so only the
   * subcommands that {@code args} name are given (at each level); every one of a level when they
   * name none or an unknown one, for the usage help and the suggestions.
   */
  public static CommandLine commandLine(String[] args, Subcommand... more) {
    List<Subcommand> all = new ArrayList<>(BUILT_IN);
    all.addAll(List.of(more));
    ErrorReporting errors = new ErrorReporting();
    return withSubcommands(new SubminuteCommand(), all, List.of(args))
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(errors)
        .setParameterExceptionHandler(errors);
  }

  /**
   * {@code command} with those of {@code subcommands} that {@code args} name, and theirs in turn.
   * The name is the first argument that is not an option: no option of a command with subcommands
   * takes a value.
   */
  private static CommandLine withSubcommands(
      Object command, List<Subcommand> subcommands, List<String> args) {
    int at = 0;
    while (at < args.size() && args.get(at).startsWith("-")) {
      at++;
    }
    String named = at < args.size() ? args.get(at) : null;
    List<String> rest = at < args.size() ? args.subList(at + 1, args.size()) : List.of();
    boolean known = subcommands.stream().anyMatch(s -> s.name().equals(named));
    CommandLine commandLine = new CommandLine(command);
    for (Subcommand subcommand : subcommands) {
      if (!known || subcommand.name().equals(named)) {
        Object made = subcommand.command().get();
        commandLine.addSubcommand(
            subcommand.name(),
            made instanceof WithSubcommands parent
                ? withSubcommands(made, parent.subcommands(), rest)
                : made);
      }
    }
    return commandLine;
  }

  public static void main(String[] args) {
    System.exit(commandLine(args).execute(args));
  }
}
