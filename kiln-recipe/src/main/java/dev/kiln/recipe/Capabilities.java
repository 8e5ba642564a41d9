package dev.kiln.recipe;

import java.util.List;

/** Linux capabilities added to or dropped from the build sandbox. */
public record Capabilities(List<String> add, List<String> drop) {
    public static final Capabilities NONE = new Capabilities(List.of(), List.of());

    public Capabilities {
        add = List.copyOf(add);
        drop = List.copyOf(drop);
    }
}
