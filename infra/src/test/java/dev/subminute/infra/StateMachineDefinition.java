package dev.subminute.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** The state machine's definition out of a synthesized template, with tokens replaced. */
final class StateMachineDefinition {
  private StateMachineDefinition() {}

  static JsonNode of(JsonNode template) {
    return of(template, Map.of());
  }

  /**
   * @param values what to put for a token, by the logical id it refers to; others become TOKEN
   */
  static JsonNode of(JsonNode template, Map<String, String> values) {
    for (JsonNode resource : template.get("Resources")) {
      if (resource.get("Type").asText().equals("AWS::StepFunctions::StateMachine")) {
        JsonNode body = resource.get("Properties").get("DefinitionString");
        StringBuilder json = new StringBuilder();
        if (body.isTextual()) {
          json.append(body.asText());
        } else {
          for (JsonNode part : body.get("Fn::Join").get(1)) {
            if (part.isTextual()) {
              json.append(part.asText());
            } else {
              String ref =
                  part.has("Fn::GetAtt")
                      ? part.get("Fn::GetAtt").get(0).asText()
                      : part.has("Ref") ? part.get("Ref").asText() : "";
              json.append(values.getOrDefault(ref, "TOKEN"));
            }
          }
        }
        try {
          return new ObjectMapper().readTree(json.toString());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    throw new IllegalStateException("no state machine in the template");
  }
}
