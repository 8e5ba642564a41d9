package dev.kiln.build.analysis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The parts of a pkg-config {@code .pc} file the scanner needs: the modules it requires. */
final class PkgConfigFile {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_.]+)}");
    private static final Pattern OPERATOR = Pattern.compile("[<>=!]=?");

    private PkgConfigFile() {}

    /** Module names from {@code Requires} and {@code Requires.private}, with version constraints dropped. */
    static List<String> requiredModules(String text) {
        Map<String, String> variables = new HashMap<>();
        List<String> modules = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            int equals = line.indexOf('=');
            if (equals > 0
                    && (colon < 0 || equals < colon)
                    && line.substring(0, equals).strip().matches("[A-Za-z0-9_.]+")) {
                variables.put(
                        line.substring(0, equals).strip(),
                        expand(line.substring(equals + 1).strip(), variables));
            } else if (colon > 0) {
                String key = line.substring(0, colon).strip();
                if (key.equals("Requires") || key.equals("Requires.private")) {
                    modules.addAll(parseModuleList(expand(line.substring(colon + 1), variables)));
                }
            }
        }
        return modules;
    }

    /** "glib-2.0 >= 2.50, zlib libffi" → [glib-2.0, zlib, libffi]. */
    private static List<String> parseModuleList(String value) {
        List<String> modules = new ArrayList<>();
        String[] tokens = value.replace(",", " ").trim().split("\\s+");
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            if (token.isEmpty()) {
                continue;
            }
            if (OPERATOR.matcher(token).matches()) {
                i++; // the version after the operator
                continue;
            }
            int op = firstOperator(token);
            if (op > 0) {
                // "glib-2.0>=2.50" or "glib-2.0>=" followed by the version
                modules.add(token.substring(0, op));
                if (op + OPERATOR_LENGTH_MAX >= token.length()
                        && token.substring(op).matches("[<>=!]=?")) {
                    i++;
                }
                continue;
            }
            modules.add(token);
        }
        return modules;
    }

    private static final int OPERATOR_LENGTH_MAX = 2;

    private static int firstOperator(String token) {
        for (int i = 0; i < token.length(); i++) {
            if ("<>=!".indexOf(token.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static String expand(String value, Map<String, String> variables) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(variables.getOrDefault(m.group(1), "")));
        }
        m.appendTail(out);
        return out.toString();
    }
}
