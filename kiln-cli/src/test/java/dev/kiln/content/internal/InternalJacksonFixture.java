package dev.kiln.content.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** Test-only: an {@code internal} package may expose a library's types (the signature rule spares it). */
public final class InternalJacksonFixture {
    private InternalJacksonFixture() {}

    public static JsonNode node() {
        return JsonNodeFactory.instance.nullNode();
    }
}
