package dev.kiln.registry.internal;

import java.util.regex.Pattern;

/** The distribution spec's grammars for repository names and tags (spec "Pulling manifests"). */
public final class Names {
    private static final Pattern REPOSITORY =
            Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
    /** Clients limit host[:port]/name to 255 characters; the host part needs room too. */
    private static final int MAX_REPOSITORY = 200;

    private Names() {}

    public static boolean isRepository(String name) {
        return name != null
                && name.length() <= MAX_REPOSITORY
                && REPOSITORY.matcher(name).matches();
    }

    public static boolean isTag(String tag) {
        return tag != null && TAG.matcher(tag).matches();
    }
}
