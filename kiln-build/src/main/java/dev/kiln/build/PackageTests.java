package dev.kiln.build;

import dev.kiln.recipe.PackagePlan;
import dev.kiln.recipe.BuildPlan;
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

/**
 * Runs each package's {@code test} pipeline in a fresh sandbox whose {@code /usr} holds the
 * package just built (laid over the host toolchain), with an empty workspace. A failing test
 * fails the build before anything is published.
 */
final class PackageTests {
    private final Sandbox sandbox;
    private final Workspace workspace;
    private final BuildOptions options;
    private final OutputStream log;
    private final BuildDeadline deadline;

    PackageTests(Sandbox sandbox, Workspace workspace, BuildOptions options, OutputStream log, BuildDeadline deadline) {
        this.sandbox = sandbox;
        this.workspace = workspace;
        this.options = options;
        this.log = log;
        this.deadline = deadline;
    }

    void run(BuildPlan plan, List<PackagePlan> packages, List<BuiltPackage> built) throws IOException {
        for (PackagePlan pkg : packages) {
            if (pkg.test() == null || pkg.test().steps().isEmpty()) {
                continue;
            }
            options.listener().onEvent(BuildListener.BuildEvent.phase(pkg.name(), "testing " + pkg.name()));
            Path guest = Files.createDirectories(workspace.base().resolve("test-" + pkg.name()));
            Path usr = guest.resolve("usr");
            GuestUsr.build(Path.of("/usr"), workspace.outputDir(pkg.name()).resolve("usr"), usr);
            Path home = Files.createDirectories(guest.resolve("home-build"));
            Path scripts = Files.createDirectories(guest.resolve("steps"));
            List<Step> steps = pkg.test().steps();
            for (int i = 0; i < steps.size(); i++) {
                Step step = steps.get(i);
                if (!(step instanceof ShellStep shell)) {
                    throw new BuildException(step.label(), "test pipelines may only run commands (sources are build-time)", null);
                }
                options.listener().onEvent(new BuildListener.BuildEvent(BuildListener.BuildEvent.Kind.STEP,
                        pkg.name(), "test: " + step.label(), i + 1, steps.size()));
                log.write(("\n==> test " + pkg.name() + ": " + step.label() + "\n").getBytes(StandardCharsets.UTF_8));
                Path script = scripts.resolve("test-" + (i + 1) + ".sh");
                Files.writeString(script, BuildEnvironment.script(shell.workingDirectory(), shell.script()));
                SandboxSpec spec = SandboxSpec.of(home, List.of(Workspace.shell(), StepRunner.SCRIPT_DIR + "/" + script.getFileName()))
                        .withEnvironment(BuildEnvironment.forStep(options.arch(), options.sourceDateEpoch(),
                                plan.environmentVariables(), shell.environment()))
                        .withWorkingDirectory(BuildEnvironment.GUEST_HOME)
                        .withExtraMounts(List.of(
                                new Mount(Path.of("/usr"), GuestUsr.HOST_USR, true),
                                new Mount(usr, "/usr", true),
                                new Mount(scripts, StepRunner.SCRIPT_DIR, true)))
                        .withTimeout(deadline.remaining("test of " + pkg.name() + ": " + step.label()))
                        .withLimits(options.limits().sandbox());
                ExecResult result = sandbox.run(spec, log);
                log.flush();
                String killed = deadline.killedBecause(result, options.limits());
                if (killed != null || result.exitCode() != 0) {
                    throw new BuildException("test of " + pkg.name() + ": " + step.label(),
                            (killed != null ? killed : "exited with status " + result.exitCode())
                                    + "; last lines of the log:\n" + workspace.logTail(20), null);
                }
            }
        }
    }
}
