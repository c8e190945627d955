package dev.subminute.model;

/** Reading the {@code workerArn} of a job item. */
public final class WorkerArns {
  private static final String FUNCTION = ":function:";

  private WorkerArns() {}

  /**
   * The function's name in {@code drift-probe}, {@code arn:...:function:drift-probe} or {@code
   * ...:function:drift-probe:live}.
   */
  public static String functionName(String workerArn) {
    int at = workerArn.indexOf(FUNCTION);
    if (at < 0) {
      return workerArn;
    }
    String rest = workerArn.substring(at + FUNCTION.length());
    int qualifier = rest.indexOf(':');
    return qualifier < 0 ? rest : rest.substring(0, qualifier);
  }
}
