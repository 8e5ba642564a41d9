package dev.kiln.recipe;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The parts of an apko image configuration that matter to a build or test guest. Other apko keys
 * are accepted by the loader and ignored.
 */
public record BuildEnvironment(Contents contents, Map<String, String> environment, Accounts accounts) {
    public static final BuildEnvironment EMPTY = new BuildEnvironment(Contents.EMPTY, Map.of(), Accounts.EMPTY);

    public BuildEnvironment {
        environment = Map.copyOf(environment);
    }

    /** {@code contents}: repositories and keys are kept for lint; builds take them from the command line. */
    public record Contents(
            List<String> repositories,
            List<String> buildRepositories,
            List<String> runtimeRepositories,
            List<String> keyring,
            List<String> packages) {
        public static final Contents EMPTY = new Contents(List.of(), List.of(), List.of(), List.of(), List.of());

        public Contents {
            repositories = List.copyOf(repositories);
            buildRepositories = List.copyOf(buildRepositories);
            runtimeRepositories = List.copyOf(runtimeRepositories);
            keyring = List.copyOf(keyring);
            packages = List.copyOf(packages);
        }
    }

    public record Accounts(
            List<User> users, List<Group> groups, @Nullable String runAs) {
        public static final Accounts EMPTY = new Accounts(List.of(), List.of(), null);

        public Accounts {
            users = List.copyOf(users);
            groups = List.copyOf(groups);
        }
    }

    /** A user; null numbers and strings take apko's defaults. */
    public record User(
            @Nullable String username,
            @Nullable Long uid,
            @Nullable Long gid,
            @Nullable String shell,
            @Nullable String homedir) {}

    public record Group(
            @Nullable String groupname, @Nullable Long gid, List<String> members) {
        public Group {
            members = List.copyOf(members);
        }
    }
}
