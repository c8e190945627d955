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
   * subcommand that {@code args} name is given; every one when they name none or an unknown one,
   * for the usage help and the suggestions.
   */
  public static CommandLine commandLine(String[] args, Subcommand... more) {
    List<Subcommand> all = new ArrayList<>(BUILT_IN);
    all.addAll(List.of(more));
    String named = subcommandName(args);
    List<Subcommand> wanted =
        all.stream().anyMatch(s -> s.name().equals(named))
            ? all.stream().filter(s -> s.name().equals(named)).toList()
            : all;
    CommandLine commandLine = new CommandLine(new SubminuteCommand());
    wanted.forEach(s -> commandLine.addSubcommand(s.name(), s.command().get()));
    ErrorReporting errors = new ErrorReporting();
    return commandLine
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(errors)
        .setParameterExceptionHandler(errors);
  }

  /** The first argument that is not an option: no option of this command takes a value. */
  private static String subcommandName(String[] args) {
    for (String arg : args) {
      if (!arg.startsWith("-")) {
        return arg;
      }
    }
    return null;
  }

  public static void main(String[] args) {
    System.exit(commandLine(args).execute(args));
  }
}
