package dev.kiln.vuln.internal;

import dev.kiln.vuln.Advisory;
import dev.kiln.vuln.AdvisoryDocument;
import dev.kiln.vuln.AdvisoryEvent;
import dev.kiln.vuln.EventData;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Renders advisory documents and their parts as YAML in the layout of the Wolfi advisories repository. */
public final class AdvisoryText {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9/][A-Za-z0-9 ._/()+,;=~@-]*");
    private static final Pattern NOT_A_STRING = Pattern.compile(
            "[-+]?([0-9][0-9_]*(\\.[0-9_]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?|0x[0-9a-f]+|0o?[0-7]+|[0-9:]+|true|false|yes|no|on|off|null|~|y|n",
            Pattern.CASE_INSENSITIVE);

    private AdvisoryText() {}

    public static String document(AdvisoryDocument doc) {
        StringBuilder sb = new StringBuilder();
        sb.append("schema-version: ").append(scalar(doc.schemaVersion())).append("\n\n");
        sb.append("package:\n  name: ").append(scalar(doc.packageName())).append("\n\n");
        sb.append("advisories:\n");
        for (int i = 0; i < doc.advisories().size(); i++) {
            if (i > 0) {
                sb.append('\n');
            }
            advisory(doc.advisories().get(i), 2).forEach(l -> sb.append(l).append('\n'));
        }
        return sb.toString();
    }

    /** Lines of one advisory as a list item whose dash sits at column {@code dashColumn}. */
    public static List<String> advisory(Advisory a, int dashColumn) {
        String pad = " ".repeat(dashColumn);
        List<String> lines = new ArrayList<>();
        lines.add(pad + "- id: " + a.id());
        if (!a.aliases().isEmpty()) {
            lines.add(pad + "  aliases:");
            a.aliases().forEach(x -> lines.add(pad + "    - " + scalar(x)));
        }
        lines.add(pad + "  events:");
        a.events().forEach(e -> lines.addAll(event(e, dashColumn + 4)));
        return lines;
    }

    /** Lines of one event as a list item whose dash sits at column {@code dashColumn}. */
    public static List<String> event(AdvisoryEvent e, int dashColumn) {
        String pad = " ".repeat(dashColumn);
        String in = pad + "  ";
        List<String> lines = new ArrayList<>();
        lines.add(pad + "- timestamp: "
                + DateTimeFormatter.ISO_INSTANT.format(e.timestamp().truncatedTo(ChronoUnit.SECONDS)));
        lines.add(in + "type: " + e.type().wireName());
        EventData data = e.data();
        if (data instanceof EventData.Detection d) {
            lines.add(in + "data:");
            lines.add(in + "  type: " + scalar(d.kind()));
            if (!d.details().isEmpty()) {
                lines.add(in + "  data:");
                for (Map.Entry<String, String> x : d.details().entrySet()) {
                    lines.add(in + "    " + x.getKey() + ": " + scalar(x.getValue()));
                }
            }
        } else if (data instanceof EventData.Fixed f) {
            lines.add(in + "data:");
            lines.add(in + "  fixed-version: " + scalar(f.fixedVersion()));
        } else if (data instanceof EventData.FalsePositive f) {
            lines.add(in + "data:");
            lines.add(in + "  type: " + f.type().wireName());
            if (f.note() != null) {
                lines.add(in + "  note: " + scalar(f.note()));
            }
        } else if (data instanceof EventData.Note n && n.note() != null) {
            lines.add(in + "data:");
            lines.add(in + "  note: " + scalar(n.note()));
        }
        return lines;
    }

    /** A plain scalar when YAML reads it back as the same string, else a double-quoted one. */
    public static String scalar(String s) {
        if (PLAIN.matcher(s).matches()
                && !s.endsWith(" ")
                && !NOT_A_STRING.matcher(s).matches()) {
            return s;
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
