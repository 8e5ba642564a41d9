package dev.kiln.vuln;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The one exception type of kiln-vuln. {@code problems} lists every problem found in one input
 * (e.g. all invalid fields of an advisory file, each as {@code file:line: message}) so a user can
 * fix them in one pass.
 */
public class VulnException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public VulnException(String message) {
        this(message, (Throwable) null);
    }

    public VulnException(String message, @Nullable Throwable cause) {
        super(message, cause);
        this.problems = List.of(message);
    }

    public VulnException(String summary, List<String> problems) {
        super(summary + ":\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
