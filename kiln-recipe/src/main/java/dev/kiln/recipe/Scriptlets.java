package dev.kiln.recipe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Install scripts; null fields are absent. */
public record Scriptlets(
        @Nullable String preInstall,
        @Nullable String postInstall,
        @Nullable String preDeinstall,
        @Nullable String postDeinstall,
        @Nullable String preUpgrade,
        @Nullable String postUpgrade,
        @Nullable String triggerScript,
        List<String> triggerPaths) {
    public static final Scriptlets NONE = new Scriptlets(null, null, null, null, null, null, null, List.of());

    public Scriptlets {
        triggerPaths = List.copyOf(triggerPaths);
    }

    /** Scripts keyed by their APK control file name ({@code .pre-install}, …, {@code .trigger}). */
    public Map<String, String> byControlName() {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, ".pre-install", preInstall);
        put(m, ".post-install", postInstall);
        put(m, ".pre-deinstall", preDeinstall);
        put(m, ".post-deinstall", postDeinstall);
        put(m, ".pre-upgrade", preUpgrade);
        put(m, ".post-upgrade", postUpgrade);
        put(m, ".trigger", triggerScript);
        return m;
    }

    private static void put(Map<String, String> m, String k, @Nullable String v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}
