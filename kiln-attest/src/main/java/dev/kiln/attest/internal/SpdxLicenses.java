package dev.kiln.attest.internal;

import dev.kiln.attest.SpdxLicenseExpression;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Turns a recipe's licence text into an SPDX licence expression: known SPDX ids keep their canonical
 * spelling, anything else becomes {@code LicenseRef-NAME} with an extracted-licensing entry, because a
 * validator rejects an expression naming an unknown id.
 */
public final class SpdxLicenses {

    /** The ids Wolfi recipes use most; not the full SPDX list, which Kiln does not ship. */
    private static final Map<String, String> KNOWN = index(List.of(
            "0BSD",
            "AFL-2.1",
            "AGPL-3.0",
            "AGPL-3.0-only",
            "AGPL-3.0-or-later",
            "Apache-1.1",
            "Apache-2.0",
            "Artistic-1.0",
            "Artistic-1.0-Perl",
            "Artistic-2.0",
            "BSD-1-Clause",
            "BSD-2-Clause",
            "BSD-2-Clause-Patent",
            "BSD-3-Clause",
            "BSD-3-Clause-Clear",
            "BSD-4-Clause",
            "BSL-1.0",
            "bzip2-1.0.6",
            "CC-BY-3.0",
            "CC-BY-4.0",
            "CC-BY-SA-3.0",
            "CC-BY-SA-4.0",
            "CC0-1.0",
            "CDDL-1.0",
            "CDDL-1.1",
            "curl",
            "EPL-1.0",
            "EPL-2.0",
            "EUPL-1.2",
            "FSFAP",
            "FSFUL",
            "FTL",
            "GFDL-1.3-only",
            "GFDL-1.3-or-later",
            "GPL-1.0-or-later",
            "GPL-2.0",
            "GPL-2.0-only",
            "GPL-2.0-or-later",
            "GPL-3.0",
            "GPL-3.0-only",
            "GPL-3.0-or-later",
            "HPND",
            "ICU",
            "IJG",
            "ISC",
            "LGPL-2.0",
            "LGPL-2.0-only",
            "LGPL-2.0-or-later",
            "LGPL-2.1",
            "LGPL-2.1-only",
            "LGPL-2.1-or-later",
            "LGPL-3.0",
            "LGPL-3.0-only",
            "LGPL-3.0-or-later",
            "Libpng",
            "libpng-2.0",
            "libtiff",
            "MIT",
            "MIT-0",
            "MPL-1.1",
            "MPL-2.0",
            "NCSA",
            "OFL-1.1",
            "OpenSSL",
            "PHP-3.01",
            "PostgreSQL",
            "PSF-2.0",
            "Python-2.0",
            "Ruby",
            "Sleepycat",
            "TCL",
            "Unicode-3.0",
            "Unicode-DFS-2016",
            "Unlicense",
            "UPL-1.0",
            "Vim",
            "W3C",
            "WTFPL",
            "X11",
            "Zlib",
            "ZPL-2.1"));

    private static final Map<String, String> EXCEPTIONS = index(List.of(
            "Autoconf-exception-2.0",
            "Autoconf-exception-3.0",
            "Bison-exception-2.2",
            "Classpath-exception-2.0",
            "Font-exception-2.0",
            "GCC-exception-2.0",
            "GCC-exception-3.1",
            "Libtool-exception",
            "Linux-syscall-note",
            "LLVM-exception",
            "OpenJDK-assembly-exception-1.0",
            "u-boot-exception-2.0"));

    private static final Set<String> OPERATORS = Set.of("AND", "OR", "WITH");

    private SpdxLicenses() {}

    public static SpdxLicenseExpression normalize(String license) {
        if (license == null || license.isBlank()) {
            return new SpdxLicenseExpression("NOASSERTION", Collections.emptySortedMap());
        }
        String text = license.strip();
        if (text.equals("NOASSERTION") || text.equals("NONE")) {
            return new SpdxLicenseExpression(text, Collections.emptySortedMap());
        }
        SortedMap<String, String> extracted = new TreeMap<>();
        List<String> tokens = groupPhrases(tokenize(text));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            String upper = t.toUpperCase(Locale.ROOT);
            if (t.equals("(") || t.equals(")")) {
                out.add(t);
            } else if (OPERATORS.contains(upper)) {
                out.add(upper);
            } else if (i > 0 && tokens.get(i - 1).equalsIgnoreCase("WITH")) {
                String exception = EXCEPTIONS.get(t.toLowerCase(Locale.ROOT));
                if (exception != null) {
                    out.add(exception);
                } else if (out.size() < 2) {
                    out.add(ref(t, extracted));
                } else {
                    // SPDX 2.3 has no reference form for exceptions, so "X WITH Y" as a whole becomes a ref.
                    out.remove(out.size() - 1);
                    String licence = out.remove(out.size() - 1);
                    out.add(ref(licence + " WITH " + t, extracted));
                }
            } else if (t.contains(" ")) {
                out.add(ref(t, extracted));
            } else {
                out.add(licenceId(t, extracted));
            }
        }
        return new SpdxLicenseExpression(join(out), extracted);
    }

    private static String licenceId(String token, SortedMap<String, String> extracted) {
        if (token.startsWith("LicenseRef-") && token.matches("LicenseRef-[A-Za-z0-9.-]+")) {
            extracted.put(token, token.substring("LicenseRef-".length()));
            return token;
        }
        boolean plus = token.endsWith("+");
        String base = plus ? token.substring(0, token.length() - 1) : token;
        String known = KNOWN.get(base.toLowerCase(Locale.ROOT));
        return known != null ? known + (plus ? "+" : "") : ref(token, extracted);
    }

    private static String ref(String original, SortedMap<String, String> extracted) {
        StringBuilder id = new StringBuilder("LicenseRef-");
        for (int i = 0; i < original.length(); i++) {
            char c = original.charAt(i);
            id.append((Character.isLetterOrDigit(c) && c < 128) || c == '.' || c == '-' ? c : '-');
        }
        String refId = id.toString().replaceAll("-{2,}", "-").replaceAll("-$", "");
        extracted.put(refId, original);
        return refId;
    }

    private static List<String> tokenize(String text) {
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(' || c == ')' || Character.isWhitespace(c)) {
                if (current.length() > 0) {
                    tokens.add(current.toString());
                    current.setLength(0);
                }
                if (c != ' ' && !Character.isWhitespace(c)) {
                    tokens.add(String.valueOf(c));
                }
            } else {
                current.append(c);
            }
        }
        if (current.length() > 0) {
            tokens.add(current.toString());
        }
        return tokens;
    }

    /**
     * Recipes write free-text names such as "Public Domain"; adjacent words that are neither operators
     * nor parentheses form one licence name, so they become one LicenseRef rather than an invalid
     * expression of juxtaposed ids.
     */
    private static List<String> groupPhrases(List<String> tokens) {
        List<String> out = new ArrayList<>();
        for (String t : tokens) {
            boolean operand = !t.equals("(") && !t.equals(")") && !OPERATORS.contains(t.toUpperCase(Locale.ROOT));
            int last = out.size() - 1;
            boolean previousOperand = last >= 0
                    && !out.get(last).equals("(")
                    && !out.get(last).equals(")")
                    && !OPERATORS.contains(out.get(last).toUpperCase(Locale.ROOT))
                    && !(last > 0 && out.get(last - 1).equalsIgnoreCase("WITH"));
            if (operand && previousOperand) {
                out.set(last, out.get(last) + " " + t);
            } else {
                out.add(t);
            }
        }
        return out;
    }

    private static String join(List<String> tokens) {
        StringBuilder sb = new StringBuilder();
        for (String t : tokens) {
            boolean noSpace = sb.length() == 0 || sb.charAt(sb.length() - 1) == '(' || t.equals(")");
            if (!noSpace) {
                sb.append(' ');
            }
            sb.append(t);
        }
        return sb.toString();
    }

    private static Map<String, String> index(List<String> ids) {
        return ids.stream().collect(Collectors.toUnmodifiableMap(id -> id.toLowerCase(Locale.ROOT), id -> id));
    }
}
