package dev.kiln.recipe.internal;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A small deterministic YAML emitter for maps, lists, strings, numbers and booleans. Written by
 * hand so the output does not change with a YAML library's version.
 */
final class YamlWriter {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_/.][A-Za-z0-9_/.+=@,:~ -]*");
    private static final Pattern SPECIAL = Pattern.compile(
            "(?i)true|false|yes|no|on|off|y|n|null|~|[-+]?(\\d[\\d_]*)?(\\.\\d*)?([eE][-+]?\\d+)?|0x[0-9a-f]+|0o[0-7]+|\\.inf|\\.nan");

    private final StringBuilder out = new StringBuilder();

    static String write(Map<String, Object> root) {
        YamlWriter w = new YamlWriter();
        w.map(root, 0);
        return w.out.toString();
    }

    private void map(Map<String, ?> m, int indent) {
        for (Map.Entry<String, ?> e : m.entrySet()) {
            pad(indent);
            out.append(scalar(e.getKey())).append(':');
            value(e.getValue(), indent);
        }
    }

    private void list(List<?> l, int indent) {
        for (Object item : l) {
            pad(indent);
            out.append("- ");
            if (item instanceof Map<?, ?> m && !m.isEmpty()) {
                @SuppressWarnings("unchecked")
                Map<String, ?> mm = (Map<String, ?>) m;
                boolean first = true;
                for (Map.Entry<String, ?> e : mm.entrySet()) {
                    if (!first) {
                        pad(indent + 2);
                    }
                    first = false;
                    out.append(scalar(e.getKey())).append(':');
                    value(e.getValue(), indent + 2);
                }
            } else if (item instanceof List<?> inner && !inner.isEmpty()) {
                out.append('\n');
                list(inner, indent + 2);
            } else {
                inline(item, indent + 2);
            }
        }
    }

    /** After "key:" — either " scalar\n" or a nested block. */
    private void value(Object v, int indent) {
        if (v instanceof Map<?, ?> m && !m.isEmpty()) {
            out.append('\n');
            @SuppressWarnings("unchecked")
            Map<String, ?> mm = (Map<String, ?>) m;
            map(mm, indent + 2);
        } else if (v instanceof List<?> l && !l.isEmpty()) {
            out.append('\n');
            list(l, indent);
        } else {
            out.append(' ');
            inline(v, indent + 2);
        }
    }

    private void inline(Object v, int indent) {
        if (v instanceof Map<?, ?>) {
            out.append("{}\n");
        } else if (v instanceof List<?>) {
            out.append("[]\n");
        } else if (v instanceof Number || v instanceof Boolean) {
            out.append(v).append('\n');
        } else {
            String s = String.valueOf(v);
            if (s.indexOf('\n') >= 0 && blockable(s)) {
                block(s, indent);
            } else {
                out.append(scalar(s)).append('\n');
            }
        }
    }

    private void block(String s, int indent) {
        String chomp = s.endsWith("\n\n") ? "+" : s.endsWith("\n") ? "" : "-";
        out.append('|').append(chomp).append('\n');
        String body = s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        for (String line : body.split("\n", -1)) {
            if (!line.isEmpty()) {
                pad(indent);
                out.append(line);
            }
            out.append('\n');
        }
    }

    private static boolean blockable(String s) {
        if (s.startsWith(" ") || s.startsWith("\n")) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || c == '\r') {
                return false;
            }
        }
        return true;
    }

    static String scalar(String s) {
        if (!s.isEmpty()
                && PLAIN.matcher(s).matches()
                && !SPECIAL.matcher(s).matches()
                && !s.endsWith(" ")
                && !s.endsWith(":")
                && !s.contains(": ")
                && !s.contains(" #")) {
            return s;
        }
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private void pad(int n) {
        out.append(" ".repeat(n));
    }
}
