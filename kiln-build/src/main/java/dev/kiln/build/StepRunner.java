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
import java.util.List;
import java.util.Map;

/**
 * Runs the compiled steps of one build in order. Shell steps run in the sandbox from a script
 * file (never spliced into a command line); {@code fetch} and {@code git-checkout} are done
 * by Kiln itself from the source cache, which was filled before the first step, so no step
 * needs the network.
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
    private int scriptCounter;

    StepRunner(Sandbox sandbox, SourceFetcher fetcher, GitCheckout git, Workspace workspace,
               BuildOptions options, Map<String, String> recipeEnv, List<String> addCapabilities, OutputStream log,
               BuildDeadline deadline) {
        this.sandbox = sandbox;
        this.fetcher = fetcher;
        this.git = git;
        this.workspace = workspace;
        this.options = options;
        this.recipeEnv = recipeEnv;
        this.addCapabilities = List.copyOf(addCapabilities);
        this.log = log;
        this.deadline = deadline;
    }

    void run(String packageName, List<Step> steps) {
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            options.listener().onEvent(new BuildListener.BuildEvent(BuildListener.BuildEvent.Kind.STEP,
                    packageName, step.label(), i + 1, steps.size()));
            writeLog("\n==> " + packageName + ": " + step.label() + "\n");
            try {
                if (step instanceof ShellStep shell) {
                    runShell(shell.label(), shell.workingDirectory(), shell.script(), shell.environment());
                } else if (step instanceof FetchStep fetch) {
                    runFetch(fetch);
                } else if (step instanceof GitCheckoutStep checkout) {
                    runCheckout(checkout);
                }
            } catch (IOException | ContentException e) {
                throw new BuildException(step.label(), e.getMessage(), e);
            }
        }
    }

    private void runFetch(FetchStep fetch) throws IOException {
        SourceChecksum checksum = SourcePlan.checksumOf(fetch);
        Path cached = fetcher.fetch(fetch.uri(), checksum);
        String guestDir = Workspace.join(fetch.workingDirectory(), fetch.directory());
        String dir = workspace.relativePath(guestDir);
        ContainedTree tree = workspace.tree();
        tree.createDirectories(dir);
        String fileName = SourcePlan.fileNameOf(fetch.uri());
        tree.copy(cached, dir + "/" + fileName);
        if (fetch.extract()) {
            String script = "tar -x --no-same-owner --strip-components=" + fetch.stripComponents()
                    + " -f " + BuildEnvironment.shellQuote(fileName) + "\n"
                    + (fetch.delete() ? "rm -f " + BuildEnvironment.shellQuote(fileName) + "\n" : "");
            runShell(fetch.label(), guestDir, script, Map.of());
        }
    }

    private void runCheckout(GitCheckoutStep step) {
        String guestDir = Workspace.join(step.workingDirectory(), step.destination());
        String commit = git.checkout(SourcePlan.requestOf(step), workspace.tree(), workspace.relativePath(guestDir));
        writeLog("checked out " + step.repository() + " at " + commit + " into " + guestDir + "\n");
    }

    void runShell(String label, String workingDirectory, String fragment, Map<String, String> stepEnv) throws IOException {
        Path script = workspace.scriptDir().resolve("step-" + (++scriptCounter) + ".sh");
        Files.writeString(script, BuildEnvironment.script(workingDirectory, fragment), StandardCharsets.UTF_8);
        Map<String, String> env = BuildEnvironment.forStep(options.arch(), options.sourceDateEpoch(), recipeEnv, stepEnv);
        SandboxSpec spec = SandboxSpec.of(workspace.root(), List.of(Workspace.shell(), SCRIPT_DIR + "/" + script.getFileName()))
                .withEnvironment(env)
                .withWorkingDirectory(BuildEnvironment.GUEST_HOME)
                .withExtraMounts(List.of(new Mount(workspace.scriptDir(), SCRIPT_DIR, true),
                        Mount.readWrite(workspace.tmpDir(), "/tmp")))
                .withAddCapabilities(addCapabilities)
                .withTimeout(deadline.remaining(label))
                .withLimits(options.limits().sandbox());
        ExecResult result = sandbox.run(spec, log);
        String killed = deadline.killedBecause(result, options.limits());
        if (killed != null) {
            throw new BuildException(label, killed, null);
        }
        if (result.exitCode() != 0) {
            throw new BuildException(label, "exited with status " + result.exitCode()
                    + "; last lines of the log:\n" + workspace.logTail(20), null);
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
