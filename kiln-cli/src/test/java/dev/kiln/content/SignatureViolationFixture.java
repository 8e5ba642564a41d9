package dev.kiln.content;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;

/**
 * Test-only class whose public signatures expose Jackson on purpose, so the layering test can show
 * that its public-signature rule fails: as a parameter, a return type and a type argument.
 */
public final class SignatureViolationFixture {
    private SignatureViolationFixture() {}

    public static String tree(JsonNode node) {
        return node.toString();
    }

    public static JsonNode node() {
        return JsonNodeFactory.instance.nullNode();
    }

    public static List<JsonNode> nodes() {
        return List.of(node());
    }

    /** Not part of the API: private members may use any library. */
    private static JsonNode hidden() {
        return node();
    }

    static String callHidden() {
        return hidden().toString();
    }
}
