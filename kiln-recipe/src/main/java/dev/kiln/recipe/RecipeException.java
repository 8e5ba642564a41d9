package dev.kiln.recipe;

import dev.kiln.content.Problem;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Everything wrong with one recipe, reported at once. */
public class RecipeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<Problem> problems;

    public RecipeException(List<Problem> problems) {
        this(problems, null);
    }

    public RecipeException(List<Problem> problems, @Nullable Throwable cause) {
        super(render(problems), cause);
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a RecipeException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public static RecipeException of(String file, int line, int column, String message) {
        return new RecipeException(List.of(new Problem(file, line, column, message)));
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String render(List<Problem> problems) {
        StringBuilder b = new StringBuilder();
        for (Problem p : problems) {
            if (b.length() > 0) {
                b.append('\n');
            }
            b.append("recipe ").append(p);
        }
        return b.toString();
    }
}
