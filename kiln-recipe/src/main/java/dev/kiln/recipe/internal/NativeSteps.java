package dev.kiln.recipe.internal;

import dev.kiln.recipe.FetchStep;
import dev.kiln.recipe.GitCheckoutStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Turns the inputs of the built-in fetch and git-checkout pipelines into native Kiln steps. */
final class NativeSteps {
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]*");

    private NativeSteps() {}

    static FetchStep fetch(String label, String where, Map<String, String> in, String workdir, Consumer<String> error) {
        String sha256 = blankToNull(in.get("expected-sha256"));
        String sha512 = blankToNull(in.get("expected-sha512"));
        boolean none = truthy(in.get("expected-none"));
        checkHex(where, "expected-sha256", sha256, 64, error);
        checkHex(where, "expected-sha512", sha512, 128, error);
        if (sha256 == null && sha512 == null && !none) {
            error.accept(where + ": one of 'expected-sha256', 'expected-sha512' or 'expected-none' is required");
        }
        return new FetchStep(
                label,
                in.getOrDefault("uri", ""),
                sha256,
                sha512,
                none,
                integer(where, "strip-components", in.get("strip-components"), 1, error),
                in.getOrDefault("directory", "."),
                bool(where, "extract", in.get("extract"), true, error),
                bool(where, "delete", in.get("delete"), false, error),
                in.get("purl-name"),
                in.get("purl-version"),
                workdir);
    }

    static GitCheckoutStep gitCheckout(
            String label, String where, Map<String, String> in, String workdir, Consumer<String> error) {
        String commit = blankToNull(in.get("expected-commit"));
        checkHex(where, "expected-commit", commit, 40, error);
        String branch = blankToNull(in.get("branch"));
        String tag = blankToNull(in.get("tag"));
        if (branch != null && tag != null) {
            error.accept(where + ": inputs 'branch' and 'tag' are mutually exclusive");
        }
        if (truthy(in.get("expected-commit-is-branch-tip")) && (branch == null || commit == null)) {
            error.accept(where + ": 'expected-commit-is-branch-tip' needs both 'branch' and 'expected-commit'");
        }
        String depthText = blankToNull(in.get("depth"));
        Integer depth =
                depthText == null || depthText.equals("unset") ? null : integer(where, "depth", depthText, 1, error);
        List<String> picks = new ArrayList<>();
        for (String line : in.getOrDefault("cherry-picks", "").split("\n")) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                picks.add(t);
            }
        }
        return new GitCheckoutStep(
                label,
                in.getOrDefault("repository", ""),
                in.getOrDefault("destination", "."),
                branch,
                tag,
                commit,
                depth,
                picks,
                bool(where, "recurse-submodules", in.get("recurse-submodules"), false, error),
                workdir);
    }

    private static void checkHex(
            String where, String input, @Nullable String value, int length, Consumer<String> error) {
        if (value != null && (value.length() != length || !HEX.matcher(value).matches())) {
            error.accept(where + ": input '" + input + "' must be " + length + " hex characters, got "
                    + (HEX.matcher(value).matches() ? String.valueOf(value.length()) : "'" + value + "'"));
        }
    }

    private static int integer(
            String where, String input, @Nullable String value, int fallback, Consumer<String> error) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            error.accept(where + ": input '" + input + "' must be an integer, got '" + value + "'");
            return fallback;
        }
    }

    private static boolean bool(
            String where, String input, @Nullable String value, boolean fallback, Consumer<String> error) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return switch (value.strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                error.accept(where + ": input '" + input + "' must be true or false, got '" + value + "'");
                yield fallback;
            }
        };
    }

    private static boolean truthy(@Nullable String v) {
        return v != null && !v.isBlank() && !v.strip().equals("false");
    }

    private static @Nullable String blankToNull(@Nullable String v) {
        return v == null || v.isBlank() ? null : v.strip();
    }
}
