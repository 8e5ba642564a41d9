package dev.kiln.recipe;

import dev.kiln.content.Problem;
import dev.kiln.recipe.internal.Substitution;
import java.util.List;
import java.util.Map;

/**
 * Evaluates melange {@code if:} expressions (recipes.md section 8). {@code &&} and {@code ||}
 * have equal precedence and associate left to right. A {@code ${{var}}} outside quotes is a value
 * in its own right (as if inserted as a quoted literal, so a value never changes the structure);
 * inside quotes it is replaced by its text.
 */
public final class Condition {
    private final String expr;
    private final Map<String, String> vars;
    private int pos;

    private Condition(String expr, Map<String, String> vars) {
        this.expr = expr;
        this.vars = vars;
    }

    /**
     * Evaluates an {@code if:} expression with these variables.
     *
     * @throws RecipeException naming the expression and the column of the first error
     */
    public static boolean evaluate(String expr, Map<String, String> vars) {
        Condition c = new Condition(expr, vars);
        boolean result = c.expression();
        c.skipSpace();
        if (c.pos < expr.length()) {
            throw c.error("unexpected trailing input '" + expr.substring(c.pos) + "'");
        }
        return result;
    }

    private boolean expression() {
        boolean value = atom();
        while (true) {
            skipSpace();
            if (expr.startsWith("&&", pos)) {
                pos += 2;
                boolean right = atom();
                value = value && right;
            } else if (expr.startsWith("||", pos)) {
                pos += 2;
                boolean right = atom();
                value = value || right;
            } else {
                return value;
            }
        }
    }

    private boolean atom() {
        skipSpace();
        if (pos < expr.length() && expr.charAt(pos) == '(') {
            pos++;
            boolean v = expression();
            skipSpace();
            if (pos >= expr.length() || expr.charAt(pos) != ')') {
                throw error("expected ')'");
            }
            pos++;
            return v;
        }
        String left = value();
        skipSpace();
        boolean equal;
        if (expr.startsWith("==", pos)) {
            equal = true;
        } else if (expr.startsWith("!=", pos)) {
            equal = false;
        } else {
            throw error(pos >= expr.length() ? "expected '==' or '!=' at end of expression" : "expected '==' or '!='");
        }
        pos += 2;
        String right = value();
        return left.equals(right) == equal;
    }

    private String value() {
        skipSpace();
        if (pos >= expr.length()) {
            throw error("expected a value at end of expression");
        }
        char c = expr.charAt(pos);
        if (c == '\'' || c == '"') {
            return quoted(c);
        }
        if (expr.startsWith("${{", pos)) {
            int end = Substitution.referenceEnd(expr, pos);
            if (end < 0) {
                throw error("malformed variable reference");
            }
            String v = lookup(Substitution.referenceName(expr, pos, end));
            pos = end;
            return v;
        }
        throw error("expected a quoted string or ${{variable}}");
    }

    private String quoted(char quote) {
        int start = pos++;
        StringBuilder b = new StringBuilder();
        while (pos < expr.length()) {
            char c = expr.charAt(pos);
            if (c == quote) {
                pos++;
                return b.toString();
            }
            if (c == '\\' && pos + 1 < expr.length()) {
                char n = expr.charAt(pos + 1);
                switch (n) {
                    case '\\' -> b.append('\\');
                    case '\'' -> b.append('\'');
                    case '"' -> b.append('"');
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    default -> b.append(c).append(n);
                }
                pos += 2;
            } else if (c == '$' && expr.startsWith("${{", pos) && Substitution.referenceEnd(expr, pos) > 0) {
                int end = Substitution.referenceEnd(expr, pos);
                b.append(lookup(Substitution.referenceName(expr, pos, end)));
                pos = end;
            } else {
                b.append(c);
                pos++;
            }
        }
        pos = start;
        throw error("unterminated string");
    }

    private String lookup(String name) {
        String v = vars.get(name);
        if (v == null) {
            throw error("unknown variable ${{" + name + "}}");
        }
        return v;
    }

    private void skipSpace() {
        while (pos < expr.length() && Character.isWhitespace(expr.charAt(pos))) {
            pos++;
        }
    }

    private RecipeException error(String what) {
        return new RecipeException(List.of(new Problem(
                "if", 1, pos + 1, "invalid if expression '" + expr + "': " + what + " at column " + (pos + 1))));
    }
}
