package dev.kiln.registry;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Who may do what where. A grant names a subject (a user, {@code *} for any authenticated user,
 * or {@code anonymous}), a repository pattern ({@code *} for all, {@code team/*} for a prefix, or
 * an exact name) and actions. Permissions add up; nothing is allowed without a grant.
 */
public record AccessPolicy(List<Grant> grants) {
    public static final String ANONYMOUS = "anonymous";
    public static final String ANY_USER = "*";

    public enum Action {
        PULL,
        PUSH,
        DELETE;

        public String scopeName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public record Grant(String subject, String repositoryPattern, Set<Action> actions) {
        public Grant {
            actions = actions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(actions));
        }

        boolean appliesTo(@Nullable String user, String repository) {
            boolean who = user == null ? subject.equals(ANONYMOUS) : subject.equals(ANY_USER) || subject.equals(user);
            return who && matches(repositoryPattern, repository);
        }

        private static boolean matches(String pattern, String repository) {
            if (pattern.equals("*")) {
                return true;
            }
            if (pattern.endsWith("/*")) {
                return repository.startsWith(pattern.substring(0, pattern.length() - 1));
            }
            return pattern.equals(repository);
        }
    }

    public AccessPolicy {
        grants = List.copyOf(grants);
    }

    /** Anonymous pull everywhere; every authenticated user may push and delete everywhere. */
    public static AccessPolicy publicRead() {
        return new AccessPolicy(List.of(
                new Grant(ANONYMOUS, "*", Set.of(Action.PULL)), new Grant(ANY_USER, "*", EnumSet.allOf(Action.class))));
    }

    /** Nothing for anonymous callers; every authenticated user may do everything. */
    public static AccessPolicy authenticatedOnly() {
        return new AccessPolicy(List.of(new Grant(ANY_USER, "*", EnumSet.allOf(Action.class))));
    }

    /** Actions {@code user} (null when anonymous) may perform on {@code repository}. */
    public Set<Action> allowed(@Nullable String user, String repository) {
        EnumSet<Action> out = EnumSet.noneOf(Action.class);
        for (Grant g : grants) {
            if (g.appliesTo(user, repository)) {
                out.addAll(g.actions());
            }
        }
        return out;
    }

    /**
     * Parses lines {@code SUBJECT PATTERN ACTIONS}, actions comma-separated ({@code pull,push,delete}
     * or {@code *}); {@code #} starts a comment.
     */
    public static AccessPolicy parse(String text, String source) {
        List<Grant> grants = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].replaceFirst("#.*", "").trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split("\\s+");
            if (fields.length != 3) {
                throw new RegistryException(
                        source + ":" + (i + 1) + ": expected 'SUBJECT PATTERN ACTIONS', got '" + line + "'");
            }
            EnumSet<Action> actions = EnumSet.noneOf(Action.class);
            for (String a : fields[2].split(",")) {
                if (a.equals("*")) {
                    actions.addAll(EnumSet.allOf(Action.class));
                    continue;
                }
                try {
                    actions.add(Action.valueOf(a.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new RegistryException(
                            source + ":" + (i + 1) + ": action must be pull, push, delete or *, got '" + a + "'", e);
                }
            }
            grants.add(new Grant(fields[0], fields[1], actions));
        }
        return new AccessPolicy(grants);
    }
}
