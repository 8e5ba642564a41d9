package dev.kiln.content.yaml;

import dev.kiln.content.ContentException;
import dev.kiln.content.Problem;
import org.jspecify.annotations.Nullable;

/** YAML text that cannot be composed: the problem names the file, line and column. */
public class YamlSyntaxException extends ContentException {
    private static final long serialVersionUID = 1L;

    private final transient Problem problem;

    public YamlSyntaxException(Problem problem, @Nullable Throwable cause) {
        super(problem.toString(), cause);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
