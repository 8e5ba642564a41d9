package dev.kiln.recipe.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Shell fragment clean-up: drops whole-line comments, but never inside a here-document. */
public final class ScriptText {
    private static final Pattern HEREDOC = Pattern.compile("<<(-?)\\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\\2");

    private ScriptText() {}

    public static String stripComments(String script) {
        if (script.indexOf('#') < 0) {
            return script;
        }
        StringBuilder out = new StringBuilder(script.length());
        String heredocEnd = null;
        boolean heredocTabs = false;
        for (String line : script.split("\n", -1)) {
            if (heredocEnd != null) {
                out.append(line).append('\n');
                String t = heredocTabs ? line.replaceFirst("^\t+", "") : line;
                if (t.equals(heredocEnd)) {
                    heredocEnd = null;
                }
                continue;
            }
            String trimmed = line.strip();
            if (trimmed.startsWith("#") && !trimmed.startsWith("#!")) {
                continue;
            }
            out.append(line).append('\n');
            Matcher m = HEREDOC.matcher(line);
            if (m.find() && !line.contains("<<<")) {
                heredocEnd = m.group(3);
                heredocTabs = !m.group(1).isEmpty();
            }
        }
        out.setLength(out.length() - 1); // split(-1) yields one more piece than there are newlines
        return out.toString();
    }
}
