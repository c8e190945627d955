package dev.subminute.controller.handler;

/** The names and settings the stack passes to the functions. */
record Environment(String tableName, String stateMachineArn, String allowedWorkers) {

  static Environment fromSystem() {
    return new Environment(
        required("TABLE_NAME"),
        System.getenv("STATE_MACHINE_ARN"),
        System.getenv("ALLOWED_WORKERS"));
  }

  private static String required(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "environment variable " + name + " is not set; the stack sets it");
    }
    return value;
  }
}
