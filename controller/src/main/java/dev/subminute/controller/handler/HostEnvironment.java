package dev.subminute.controller.handler;

import com.fasterxml.jackson.databind.JsonNode;

/** Settings the stack passes to the shared-host functions, and fields of their inputs. */
final class HostEnvironment {
  private HostEnvironment() {}

  static String required(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "environment variable " + name + " is not set; the stack sets it");
    }
    return value;
  }

  static String text(JsonNode node, String field, String fallback) {
    return node != null && node.hasNonNull(field) ? node.get(field).asText() : fallback;
  }
}
