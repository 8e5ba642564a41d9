package dev.kiln.apk;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A dependency atom {@code [!]NAME[@TAG][OP VERSION]} (apk.md §9). A version that does not parse
 * is kept and flagged by {@link #versionValid()}, as apk-tools does; such an atom is never satisfied.
 * apko's {@code NAME=V@TAG} spelling is accepted; {@link #toString()} writes apk-tools' form.
 */
public record Dependency(
        String name,
        boolean isConflict,
        Operator operator,
        @Nullable String version,
        @Nullable String tag) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9/][^\\s<>=~!@]*");

    /** Comparison operators as apk-tools' bit set of less, greater, equal and fuzzy. */
    public enum Operator {
        ANY(""),
        EQUAL("="),
        LESS("<"),
        LESS_EQUAL("<="),
        GREATER(">"),
        GREATER_EQUAL(">="),
        FUZZY("~"),
        LESS_FUZZY("<~"),
        GREATER_FUZZY(">~"),
        /** {@code ><Q1...}: exactly the package with this identity hash. */
        CHECKSUM("><");

        private final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        static Operator ofSymbols(String run, String atom) {
            boolean less = run.indexOf('<') >= 0;
            boolean greater = run.indexOf('>') >= 0;
            boolean fuzzy = run.indexOf('~') >= 0;
            boolean equal = fuzzy || run.indexOf('=') >= 0;
            if (less && greater) {
                return CHECKSUM;
            }
            if (fuzzy) {
                return less ? LESS_FUZZY : greater ? GREATER_FUZZY : FUZZY;
            }
            if (less) {
                return equal ? LESS_EQUAL : LESS;
            }
            if (greater) {
                return equal ? GREATER_EQUAL : GREATER;
            }
            if (equal) {
                return EQUAL;
            }
            throw new ApkException("dependency '" + atom + "': no operator in '" + run + "'");
        }
    }

    public Dependency {
        if (name == null || name.isEmpty()) {
            throw new ApkException("dependency has an empty name");
        }
        if (operator == null) {
            operator = Operator.ANY;
        }
        if ((operator == Operator.ANY) != (version == null)) {
            throw new ApkException("dependency '" + name + "': operator " + operator + " and version '" + version
                    + "' do not go together");
        }
        if (tag != null && tag.isEmpty()) {
            tag = null;
        }
    }

    public static Dependency parse(String atom) {
        if (atom == null || atom.isBlank() || atom.chars().anyMatch(Character::isWhitespace)) {
            throw new ApkException("invalid dependency atom '" + atom + "': must be non-empty without spaces");
        }
        String rest = atom;
        boolean conflict = rest.startsWith("!");
        if (conflict) {
            rest = rest.substring(1);
        }
        int opStart = indexOfAny(rest, "<>=~");
        String head = opStart < 0 ? rest : rest.substring(0, opStart);
        String tail = opStart < 0 ? "" : rest.substring(opStart);
        String tag = null;
        int at = head.indexOf('@');
        if (at >= 0) {
            tag = head.substring(at + 1);
            head = head.substring(0, at);
            if (tag.isEmpty()) {
                throw new ApkException("invalid dependency atom '" + atom + "': empty repository tag after '@'");
            }
        }
        if (head.isEmpty() || !NAME.matcher(head).matches()) {
            throw new ApkException("invalid dependency atom '" + atom + "': bad package name '" + head + "'");
        }
        if (tail.isEmpty()) {
            return new Dependency(head, conflict, Operator.ANY, null, tag);
        }
        int v = 0;
        while (v < tail.length() && "<>=~".indexOf(tail.charAt(v)) >= 0) {
            v++;
        }
        Operator op = Operator.ofSymbols(tail.substring(0, v), atom);
        String version = tail.substring(v);
        int vat = version.indexOf('@');
        if (vat >= 0 && tag == null) { // apko writes NAME=V@TAG
            tag = version.substring(vat + 1);
            version = version.substring(0, vat);
        }
        if (version.isEmpty()) {
            throw new ApkException(
                    "invalid dependency atom '" + atom + "': operator '" + op.symbol() + "' without a version");
        }
        return new Dependency(head, conflict, op, version, tag);
    }

    /** Parses a space-separated list, as in {@code D:} index lines; empty text gives an empty list. */
    public static List<Dependency> parseList(@Nullable String spaceSeparated) {
        List<Dependency> out = new ArrayList<>();
        if (spaceSeparated == null) {
            return out;
        }
        for (String atom : spaceSeparated.trim().split("\\s+")) {
            if (!atom.isEmpty()) {
                out.add(parse(atom));
            }
        }
        return List.copyOf(out);
    }

    /** False when the version does not parse; apk-tools then treats the owning package as broken. */
    public boolean versionValid() {
        return version == null || operator == Operator.CHECKSUM || ApkVersion.isValid(version);
    }

    /** Whether a package {@code name}-{@code fullVersion} matches the name and version constraint (ignoring {@code !}). */
    public boolean matches(String pkgName, String fullVersion) {
        if (!name.equals(pkgName)) {
            return false;
        }
        return switch (operator) {
            case ANY -> true;
            case CHECKSUM -> false; // needs the identity hash, not a version
            default -> versionValid() && ApkVersion.isValid(fullVersion) && compareMatches(fullVersion);
        };
    }

    /**
     * Whether installing {@code pkgName}-{@code fullVersion} is compatible with this atom: for a plain
     * atom the package must match; for a conflict ({@code !}) it must not.
     */
    public boolean satisfiedBy(String pkgName, String fullVersion) {
        boolean match = matches(pkgName, fullVersion);
        return isConflict ? !match : match;
    }

    private boolean compareMatches(String candidate) {
        // the constructor pairs every operator but ANY with a version
        String version = Objects.requireNonNull(this.version, "an operator other than ANY has a version");
        return switch (operator) {
            case EQUAL -> ApkVersion.compare(candidate, version) == 0;
            case LESS -> ApkVersion.compare(candidate, version) < 0;
            case LESS_EQUAL -> ApkVersion.compare(candidate, version) <= 0;
            case GREATER -> ApkVersion.compare(candidate, version) > 0;
            case GREATER_EQUAL -> ApkVersion.compare(candidate, version) >= 0;
            case FUZZY -> ApkVersion.compareFuzzy(candidate, version) == 0;
            case LESS_FUZZY -> ApkVersion.compareFuzzy(candidate, version) <= 0;
            case GREATER_FUZZY -> ApkVersion.compareFuzzy(candidate, version) >= 0;
            case ANY, CHECKSUM -> throw new IllegalStateException(operator.name());
        };
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** apk-tools' canonical text: {@code [!]NAME[@TAG][OP VERSION]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (isConflict) {
            sb.append('!');
        }
        sb.append(name);
        if (tag != null) {
            sb.append('@').append(tag);
        }
        if (version != null) {
            sb.append(operator.symbol()).append(version);
        }
        return sb.toString();
    }
}
