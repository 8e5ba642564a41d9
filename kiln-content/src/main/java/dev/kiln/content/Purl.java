package dev.kiln.content;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A package URL, {@code pkg:TYPE/NAMESPACE/NAME@VERSION?QUALIFIERS#SUBPATH}, held in canonical form so that
 * equal packages have equal text, and written in the one encoding of the purl specification
 * (docs/standard/characters-and-encoding.md): letters, digits, {@code .-_~} and the colon stay as they are
 * (a Debian epoch {@code 1:2.3-4} and a {@code checksum=sha256:…} are written as is); every other byte of the
 * UTF-8 form is percent-encoded, so {@code '+'} is {@code %2B}, {@code '/'} inside a value {@code %2F} and a
 * space {@code %20}.
 *
 * <p>Canonical form: the type is lowercase; for the types whose rules say their names are case-insensitive
 * (apk, deb, alpm, github, bitbucket, and the name of oci and pypi) those are lowercased; qualifier keys are
 * lowercase and sorted, and a qualifier without a value is no qualifier; an empty namespace, version or
 * subpath is absent (null).
 *
 * @param namespace segments separated by {@code '/'}, or null
 * @param version null when the purl names no version
 * @param qualifiers sorted by key
 * @param subpath segments separated by {@code '/'}, or null
 */
public record Purl(
        String type,
        @Nullable String namespace,
        String name,
        @Nullable String version,
        SortedMap<String, String> qualifiers,
        @Nullable String subpath) {

    private static final String SCHEME = "pkg:";
    private static final Set<String> CASE_INSENSITIVE_NAMESPACE = Set.of("apk", "deb", "alpm", "github", "bitbucket");
    private static final Set<String> CASE_INSENSITIVE_NAME =
            Set.of("apk", "deb", "alpm", "github", "bitbucket", "oci", "pypi");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    public Purl {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        type = type.toLowerCase(Locale.ROOT);
        if (!type.matches("[a-z][a-z0-9.+-]*")) {
            throw new ContentException("purl type '" + type + "': expected a letter, then letters, digits or '.+-'");
        }
        namespace = namespace == null ? null : emptyToNull(trimSlashes(namespace));
        if (namespace != null && CASE_INSENSITIVE_NAMESPACE.contains(type)) {
            namespace = namespace.toLowerCase(Locale.ROOT);
        }
        if (name.isEmpty()) {
            throw new ContentException("purl of type '" + type + "': the name is empty");
        }
        if (CASE_INSENSITIVE_NAME.contains(type)) {
            name = name.toLowerCase(Locale.ROOT);
        }
        version = emptyToNull(version);
        SortedMap<String, String> sorted = new TreeMap<>();
        if (qualifiers != null) {
            qualifiers.forEach((k, v) -> {
                String key = k.toLowerCase(Locale.ROOT);
                if (!key.matches("[a-z.\\-_][a-z0-9.\\-_]*")) {
                    throw new ContentException("purl qualifier key '" + k
                            + "': expected letters, digits or '.-_', not starting with a digit");
                }
                if (v != null && !v.isEmpty()) {
                    sorted.put(key, v);
                }
            });
        }
        qualifiers = Collections.unmodifiableSortedMap(sorted);
        subpath = subpath == null ? null : emptyToNull(trimSlashes(subpath));
    }

    /** A purl without qualifiers or subpath; {@code namespace} and {@code version} may be null. */
    public static Purl of(String type, @Nullable String namespace, String name, @Nullable String version) {
        return new Purl(type, namespace, name, version, Collections.emptySortedMap(), null);
    }

    /** This purl with {@code key} set to {@code value}; a null or empty value removes the qualifier. */
    public Purl withQualifier(String key, @Nullable String value) {
        SortedMap<String, String> q = new TreeMap<>(qualifiers);
        if (value == null || value.isEmpty()) {
            q.remove(key.toLowerCase(Locale.ROOT));
        } else {
            q.put(key, value);
        }
        return new Purl(type, namespace, name, version, q, subpath);
    }

    /** This purl with its qualifiers and subpath dropped: what names the package alone. */
    public Purl withoutQualifiers() {
        return new Purl(type, namespace, name, version, Collections.emptySortedMap(), null);
    }

    /** The qualifier's decoded value, or null. */
    public @Nullable String qualifier(String key) {
        return qualifiers.get(key.toLowerCase(Locale.ROOT));
    }

    /**
     * Reads a purl as the specification's parsing rules do: components split at their separators from the
     * right, then percent-decoded; slashes after the scheme and around the namespace are not significant.
     *
     * @throws ContentException naming the text when it is no purl
     */
    public static Purl parse(String text) {
        if (text == null || !text.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw new ContentException("purl '" + text + "': expected it to start with 'pkg:'");
        }
        String rest = text.substring(SCHEME.length());
        String subpath = null;
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            subpath = decodeSegments(rest.substring(hash + 1), text);
            rest = rest.substring(0, hash);
        }
        SortedMap<String, String> qualifiers = new TreeMap<>();
        int question = rest.indexOf('?');
        if (question >= 0) {
            for (String pair : splitOn(rest.substring(question + 1), '&')) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new ContentException("purl '" + text + "': qualifier '" + pair + "' is not KEY=VALUE");
                }
                qualifiers.put(pair.substring(0, eq), decode(pair.substring(eq + 1), text));
            }
            rest = rest.substring(0, question);
        }
        rest = trimSlashes(rest);
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            throw new ContentException("purl '" + text + "': expected TYPE/NAME after 'pkg:'");
        }
        String type = rest.substring(0, slash);
        rest = trimSlashes(rest.substring(slash + 1));
        String version = null;
        int at = rest.lastIndexOf('@');
        if (at > rest.lastIndexOf('/')) {
            version = decode(rest.substring(at + 1), text);
            rest = rest.substring(0, at);
        }
        int lastSlash = rest.lastIndexOf('/');
        String name = decode(rest.substring(lastSlash + 1), text);
        String namespace = lastSlash < 0 ? null : decodeSegments(rest.substring(0, lastSlash), text);
        if (name.isEmpty()) {
            throw new ContentException("purl '" + text + "': the name is empty");
        }
        return new Purl(type, namespace, name, version, qualifiers, subpath);
    }

    /** The canonical text. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(SCHEME).append(type).append('/');
        if (namespace != null) {
            sb.append(encodeSegments(namespace)).append('/');
        }
        sb.append(encode(name));
        if (version != null) {
            sb.append('@').append(encode(version));
        }
        char separator = '?';
        for (Map.Entry<String, String> q : qualifiers.entrySet()) {
            sb.append(separator).append(q.getKey()).append('=').append(encode(q.getValue()));
            separator = '&';
        }
        if (subpath != null) {
            sb.append('#').append(encodeSegments(subpath));
        }
        return sb.toString();
    }

    /** Percent-encodes one component (or one segment of a namespace or subpath) as the specification wants. */
    public static String encode(String component) {
        StringBuilder sb = new StringBuilder(component.length() + 8);
        for (byte b : component.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || ".-_~:".indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return sb.toString();
    }

    private static String encodeSegments(String path) {
        List<String> out = new ArrayList<>();
        for (String segment : splitOn(path, '/')) {
            out.add(encode(segment));
        }
        return String.join("/", out);
    }

    private static String decodeSegments(String path, String text) {
        List<String> out = new ArrayList<>();
        for (String segment : splitOn(trimSlashes(path), '/')) {
            out.add(decode(segment, text));
        }
        return String.join("/", out);
    }

    /** Percent-decoding only: unlike form decoding, a {@code '+'} stays a plus. */
    private static String decode(String s, String text) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(s.charAt(i + 2), 16);
                if (lo < 0) {
                    throw new ContentException(
                            "purl '" + text + "': '%' at " + i + " of '" + s + "' is not followed by two hex digits");
                }
                out.write((hi << 4) | lo);
                i += 2;
            } else {
                int codePoint = s.codePointAt(i);
                byte[] bytes = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
                i += Character.charCount(codePoint) - 1;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static List<String> splitOn(String s, char separator) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = s.indexOf(separator); i >= 0; i = s.indexOf(separator, start)) {
            parts.add(s.substring(start, i));
            start = i + 1;
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static String trimSlashes(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == '/') {
            from++;
        }
        while (to > from && s.charAt(to - 1) == '/') {
            to--;
        }
        return s.substring(from, to);
    }

    private static @Nullable String emptyToNull(@Nullable String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
