package dev.kiln.recipe;

import java.util.Map;

/** File capabilities to set on {@code path}: {@code add} maps "cap_a,cap_b" to flags like "eip". */
public record SetCap(String path, Map<String, String> add, String reason) {
    public SetCap {
        add = Map.copyOf(add);
    }
}
