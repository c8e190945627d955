package dev.subminute.model.jobs;

import dev.subminute.model.dynamodb.JobAttributes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** JSON text from users turned into attribute values, with errors that say what to write. */
final class JsonValues {
  private static final String PAYLOAD_EXAMPLE = "{\"url\":\"http://127.0.0.1:8080/\"}";
  private static final String PROFILE_EXAMPLE =
      "[{\"days\":\"MON-FRI\",\"from\":\"08:00\",\"to\":\"20:00\",\"intervalMs\":1000}]";

  private JsonValues() {}

  /** A JSON value keeps its type (500 is a number, true a boolean); anything else is a string. */
  static AttributeValue parse(String text) {
    AttributeValue value = json(text);
    return value != null ? value : AttributeValue.fromS(text);
  }

  static AttributeValue payload(String json) {
    AttributeValue value = json(json);
    if (value == null || !value.hasM()) {
      throw new JobsException.Invalid(
          "payload must be a JSON object such as '"
              + PAYLOAD_EXAMPLE
              + "'; "
              + (value == null ? "it is not JSON" : "it is " + kind(value)));
    }
    return value;
  }

  static AttributeValue profile(String json) {
    AttributeValue value = json(json);
    if (value == null || !value.hasL()) {
      throw new JobsException.Invalid(
          "profile must be a JSON list of rules such as '"
              + PROFILE_EXAMPLE
              + "'; "
              + (value == null ? "it is not JSON" : "it is " + kind(value)));
    }
    return value;
  }

  /** The value of a JSON text, or null when it is not one JSON value. */
  private static AttributeValue json(String text) {
    return JobAttributes.jsonValue(text);
  }

  private static String kind(AttributeValue v) {
    return switch (v.type()) {
      case S -> "a string";
      case N -> "a number";
      case BOOL -> "a boolean";
      case NUL -> "null";
      case M -> "an object";
      case L -> "a list";
      default -> "of another type";
    };
  }
}
