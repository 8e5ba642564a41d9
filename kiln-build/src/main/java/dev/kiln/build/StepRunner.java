package dev.kiln.build;

import dev.kiln.build.source.GitCheckout;
import dev.kiln.build.source.SourceChecksum;
import dev.kiln.build.source.SourceFetcher;
import dev.kiln.content.ContainedTree;
import dev.kiln.content.ContentException;
import dev.kiln.recipe.FetchStep;
import dev.kiln.recipe.GitCheckoutStep;
import dev.kiln.recipe.ShellStep;
import dev.kiln.recipe.Step;
import dev.kiln.sandbox.ExecResult;
import dev.kiln.sandbox.Mount;
import dev.kiln.sandbox.Sandbox;
import dev.kiln.sandbox.SandboxSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Runs the compiled steps of one build in order. Shell steps run in the sandbox from a script
 * file (never spliced into a command line); {@code fetch} and {@code git-checkout} are done
 * by Kiln itself from the source cache, which was filled before the first step, so no step
 * needs the network. Every step of one runner shares the workspace and {@code /tmp} (one guest per
 * build), and the root: the host's {@code /usr} (host-toolchain stage) or the build's private copy of
 * its installed environment (hermetic stage).
 */
final class StepRunner {
    /** Guest directory holding the step scripts, mounted read-only. */
    static final String SCRIPT_DIR = "/var/lib/kiln/steps";

    private final Sandbox sandbox;
    private final SourceFetcher fetcher;
    private final GitCheckout git;
    private final Workspace workspace;
    private final BuildOptions options;
    private final Map<String, String> recipeEnv;
    private final List<String> addCapabilities;
    private final OutputStream log;
    private final BuildDeadline deadline;
    /** The hermetic root filesystem (the build's private copy), or null for the host-toolchain stage. */
    /** The build environment's root; null in the host-toolchain stage. */
    private final @Nullable Path rootfs;
    /** The root's compiler hardens every compile and link itself, so steps get no hardening flags. */
    private final boolean compilerHardens;
    /** Further mounts of every step (a test guest's /usr in the host-toolchain stage). */
    private final List<Mount> guestMounts;
    /** Put before step labels in events and errors ("test of NAME: "), empty for build steps. */
    private final String labelPrefix;

    private int scriptCounter;

    StepRunner(
            Sandbox sandbox,
            SourceFetcher fetcher,
            GitCheckout git,
            Workspace workspace,
            BuildOptions options,
            Map<String, String> recipeEnv,
            List<String> addCapabilities,
            OutputStream log,
            BuildDeadline deadline,
            @Nullable Path rootfs) {
        this(
                sandbox,
                fetcher,
                git,
                workspace,
                options,
                recipeEnv,
                addCapabilities,
                log,
                deadline,
                rootfs,
                List.of(),
                "");
    }

    StepRunner(
            Sandbox sandbox,
            SourceFetcher fetcher,
            GitCheckout git,
            Workspace workspace,
            BuildOptions options,
            Map<String, String> recipeEnv,
            List<String> addCapabilities,
            OutputStream log,
            BuildDeadline deadline,
            @Nullable Path rootfs,
            List<Mount> guestMounts,
            String labelPrefix) {
        this.sandbox = sandbox;
        this.fetcher = fetcher;
        this.git = git;
        this.workspace = workspace;
        this.options = options;
        this.recipeEnv = recipeEnv;
        this.addCapabilities = List.copyOf(addCapabilities);
        this.log = log;
        this.deadline = deadline;
        this.rootfs = rootfs;
        this.compilerHardens = GuestEnvironment.compilerHardens(rootfs);
        this.guestMounts = List.copyOf(guestMounts);
        this.labelPrefix = labelPrefix;
    }

    void run(String packageName, List<Step> steps) {
        for (BuildSteps.Planned step : plan(packageName, steps)) {
            runHere(step);
        }
    }

    /**
     * The steps as work: what Kiln does itself (copy a fetched source, check out a repository) and the shell
     * command the guest runs, each with its full environment. Running the plan here ({@link #runHere}) is what
     * {@link #run} does; a remote runner does Kiln's part first and runs the shell commands as one script.
     */
    List<BuildSteps.Planned> plan(String packageName, List<Step> steps) {
        List<BuildSteps.Planned> planned = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            String label = labelPrefix + step.label();
            BuildSteps.HostAction prepare = null;
            BuildSteps.Shell shell = null;
            if (step instanceof ShellStep s) {
                shell = shell(label, s.workingDirectory(), s.script(), s.environment());
            } else if (step instanceof FetchStep fetch) {
                String guestDir = Workspace.join(fetch.workingDirectory(), fetch.directory());
                String fileName = SourcePlan.fileNameOf(fetch.uri());
                prepare = () -> copyFetched(fetch, guestDir, fileName);
                if (fetch.extract()) {
                    String script = "tar -x --no-same-owner --strip-components=" + fetch.stripComponents()
                            + " -f " + GuestEnvironment.shellQuote(fileName) + "\n"
                            + (fetch.delete() ? "rm -f " + GuestEnvironment.shellQuote(fileName) + "\n" : "");
                    shell = shell(label, guestDir, script, Map.of());
                }
            } else if (step instanceof GitCheckoutStep checkout) {
                prepare = () -> runCheckout(checkout);
            }
            planned.add(new BuildSteps.Planned(packageName, label, i + 1, steps.size(), prepare, shell));
        }
        return planned;
    }

    /** Runs one planned step on this host: Kiln's part, then the shell command in the sandbox. */
    void runHere(BuildSteps.Planned step) {
        options.listener()
                .onEvent(new BuildListener.BuildEvent(
                        BuildListener.BuildEvent.Kind.STEP,
                        step.packageName(),
                        step.label(),
                        step.index(),
                        step.total()));
        writeLog(BuildSteps.header(step.packageName(), step.label()));
        try {
            if (step.prepare() != null) {
                step.prepare().run();
            }
            if (step.shell() != null) {
                runShell(step.shell());
            }
        } catch (IOException | ContentException e) {
            throw new BuildException(step.label(), e.getMessage(), e);
        }
    }

    private BuildSteps.Shell shell(
            String label, String workingDirectory, String fragment, Map<String, String> stepEnv) {
        return new BuildSteps.Shell(
                label,
                workingDirectory,
                fragment,
                GuestEnvironment.forStep(
                        options.arch(), options.sourceDateEpoch(), compilerHardens, recipeEnv, stepEnv));
    }

    private void copyFetched(FetchStep fetch, String guestDir, String fileName) throws IOException {
        SourceChecksum checksum = SourcePlan.checksumOf(fetch);
        Path cached = fetcher.fetch(fetch.uri(), checksum);
        String dir = workspace.relativePath(guestDir);
        ContainedTree tree = workspace.tree();
        tree.createDirectories(dir);
        tree.copy(cached, dir + "/" + fileName);
    }

    private void runCheckout(GitCheckoutStep step) {
        String guestDir = Workspace.join(step.workingDirectory(), step.destination());
        String commit = git.checkout(SourcePlan.requestOf(step), workspace.tree(), workspace.relativePath(guestDir));
        writeLog("checked out " + step.repository() + " at " + commit + " into " + guestDir + "\n");
    }

    private void runShell(BuildSteps.Shell shell) throws IOException {
        String label = shell.label();
        scriptCounter++;
        Path script = workspace.scriptDir().resolve("step-" + scriptCounter + ".sh");
        Files.writeString(
                script, GuestEnvironment.script(shell.workingDirectory(), shell.fragment()), StandardCharsets.UTF_8);
        List<Mount> mounts = new ArrayList<>(guestMounts);
        mounts.add(new Mount(workspace.scriptDir(), SCRIPT_DIR, true));
        mounts.add(Mount.readWrite(workspace.tmpDir(), "/tmp"));
        SandboxSpec spec = SandboxSpec.of(
                        workspace.root(), List.of(Workspace.shell(rootfs), SCRIPT_DIR + "/" + script.getFileName()))
                .withRootfs(rootfs)
                .withEnvironment(shell.environment())
                .withWorkingDirectory(GuestEnvironment.GUEST_HOME)
                .withExtraMounts(mounts)
                .withAddCapabilities(addCapabilities)
                .withTimeout(deadline.remaining(label))
                .withLimits(options.limits().sandbox());
        ExecResult result = sandbox.run(spec, log);
        String killed = deadline.killedBecause(result, options.limits());
        if (killed != null) {
            throw new BuildException(label, killed, null);
        }
        if (result.exitCode() != 0) {
            throw new BuildException(
                    label,
                    "exited with status " + result.exitCode() + "; last lines of the log:\n" + workspace.logTail(20),
                    null);
        }
    }

    private void writeLog(String text) {
        try {
            log.write(text.getBytes(StandardCharsets.UTF_8));
            log.flush();
        } catch (IOException e) {
            throw new BuildException("cannot write the build log: " + e.getMessage(), e);
        }
    }
}
