package dev.kiln.build;

import dev.kiln.content.ContentException;
import dev.kiln.recipe.Resources;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The steps of one build (the main package's, then each subpackage's), handed to a {@link BuildRunner}. Each step
 * is Kiln's own part (copying a fetched source from the cache, checking out a repository) and the shell command
 * the guest runs, with its working directory and complete environment. A runner on this host runs them one by one
 * in the sandbox; a remote runner does Kiln's part for all of them first ({@link #prepareWorkspace}) and runs the
 * shell commands as one script ({@link #script}) from the workspace.
 */
public final class BuildSteps {
    /** Where {@link #script} goes, relative to the workspace ({@code /home/build} in the guest). */
    public static final String SCRIPT = ".kiln/build.sh";

    /** Where the script records the step that failed, relative to the workspace, so that the error can name it. */
    public static final String FAILED_STEP = ".kiln/failed-step";

    /** What the shell accepts as a variable name; anything else cannot be exported and is refused. */
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Kiln's own part of a step: it writes only into the workspace, from the source cache. */
    @FunctionalInterface
    interface HostAction {
        void run() throws IOException;
    }

    /** What the guest runs for a step: the fragment in its working directory with this complete environment. */
    record Shell(String label, String workingDirectory, String fragment, Map<String, String> environment) {}

    /** One step: {@code index} of {@code total} of its package; either part may be absent. */
    record Planned(
            String packageName,
            String label,
            int index,
            int total,
            @Nullable HostAction prepare,
            @Nullable Shell shell) {}

    private final String name;
    private final Path workspace;
    private final Map<String, String> environment;
    private final Resources resources;
    private final BuildDeadline deadline;
    private final OutputStream log;
    private final List<Planned> steps;
    private final StepRunner local;

    BuildSteps(
            String name,
            Path workspace,
            Map<String, String> environment,
            Resources resources,
            BuildDeadline deadline,
            OutputStream log,
            List<Planned> steps,
            StepRunner local) {
        this.name = name;
        this.workspace = workspace;
        this.environment = Map.copyOf(environment);
        this.resources = resources;
        this.deadline = deadline;
        this.log = log;
        this.steps = List.copyOf(steps);
        this.local = local;
    }

    /** The build's (main package's) name. */
    public String name() {
        return name;
    }

    /** The workspace as Kiln sees it: the directory the guest sees as {@code /home/build}. */
    public Path workspace() {
        return workspace;
    }

    /** The build's environment without any step's own variables: what a remote runner gives its container. */
    public Map<String, String> environment() {
        return environment;
    }

    /** The recipe's {@code package.resources}: what a runner that schedules builds asks for (every field may be null). */
    public Resources resources() {
        return resources;
    }

    /** The time left of the build's timeout ({@code package.timeout} or the default); fails when none is. */
    public Duration remaining() {
        return deadline.remaining(name);
    }

    /** The build log: a runner copies the guest's output here. */
    public OutputStream log() {
        return log;
    }

    /** Runs every step here, one sandbox process per shell command: the local runner. */
    void runHere() {
        steps.forEach(local::runHere);
    }

    /**
     * Kiln's part of every step, in order, before the script runs elsewhere: the fetched sources copied into the
     * workspace, the repositories checked out. A step that uses what an earlier shell step made (a checkout into a
     * directory a script created) therefore sees it made here too, but not the script's other effects.
     *
     * @throws BuildException naming the step whose part failed
     */
    public void prepareWorkspace() {
        for (Planned step : steps) {
            if (step.prepare() == null) {
                continue;
            }
            try {
                step.prepare().run();
            } catch (IOException | ContentException e) {
                throw new BuildException(step.label(), e.getMessage(), e);
            }
        }
    }

    /**
     * The shell commands of all steps as one POSIX script, each step as {@link GuestEnvironment#script} renders it
     * for the sandbox, run in a subshell with the step's complete environment exported. The step's header goes into
     * the log as the local runner writes it; a failing step stops the script with its status after recording its
     * label in {@link #FAILED_STEP}.
     */
    public String script() {
        StringBuilder out = new StringBuilder();
        out.append("# Kiln: the steps of ")
                .append(name)
                .append(", rendered from its compiled plan; run with sh from ")
                .append(GuestEnvironment.GUEST_HOME)
                .append("\n")
                // errexit off out here so that a step's status can be read; each step turns it on for itself
                .append("set +e\n")
                .append("rm -f ")
                .append(GuestEnvironment.shellQuote(GuestEnvironment.GUEST_HOME + "/" + FAILED_STEP))
                .append("\n");
        for (Planned step : steps) {
            out.append("printf '%s' ")
                    .append(GuestEnvironment.shellQuote(header(step.packageName(), step.label())))
                    .append("\n");
            Shell shell = step.shell();
            if (shell == null) {
                out.append(": done by Kiln before this script\n");
                continue;
            }
            out.append("(\n");
            for (Map.Entry<String, String> e : shell.environment().entrySet()) {
                if (!VARIABLE.matcher(e.getKey()).matches()) {
                    throw new BuildException(
                            step.label(),
                            "environment variable '" + e.getKey() + "' is not a shell variable name, so a script"
                                    + " cannot export it",
                            null);
                }
                out.append("export ")
                        .append(e.getKey())
                        .append('=')
                        .append(GuestEnvironment.shellQuote(e.getValue()))
                        .append("\n");
            }
            out.append(GuestEnvironment.script(shell.workingDirectory(), shell.fragment()))
                    .append(")\n")
                    .append("kiln_status=$?\n")
                    .append("if [ \"$kiln_status\" -ne 0 ]; then\n")
                    .append("  printf '%s\\n' ")
                    .append(GuestEnvironment.shellQuote(step.packageName() + ": " + step.label()))
                    .append(" > ")
                    .append(GuestEnvironment.shellQuote(GuestEnvironment.GUEST_HOME + "/" + FAILED_STEP))
                    .append("\n")
                    .append("  printf '\\n%s exited with status %s\\n' ")
                    .append(GuestEnvironment.shellQuote(step.packageName() + ": " + step.label()))
                    .append(" \"$kiln_status\"\n")
                    .append("  exit \"$kiln_status\"\n")
                    .append("fi\n");
        }
        out.append("exit 0\n");
        return out.toString();
    }

    /**
     * The step the script recorded as failed ({@code PACKAGE: LABEL}), or null when it recorded none (it did not
     * run, or it was killed). The build wrote the file, so it is read as a name and nothing more.
     */
    public @Nullable String failedStep() {
        Path file = workspace.resolve(FAILED_STEP);
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() || text.length() > 1000 ? null : text;
        } catch (IOException e) {
            return null;
        }
    }

    /** The log line before each step, the same whichever runner runs it. */
    static String header(String packageName, String label) {
        return "\n==> " + Objects.requireNonNull(packageName) + ": " + label + "\n";
    }
}
