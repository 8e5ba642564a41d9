package dev.kiln.build;

import dev.kiln.apk.ApkPackage;
import dev.kiln.apk.ApkReader;
import dev.kiln.build.source.GitCheckout;
import dev.kiln.build.source.SourceFetcher;
import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.PackagePlan;
import dev.kiln.sandbox.Mount;
import dev.kiln.sandbox.Sandbox;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Runs each package's {@code test} pipeline in a guest of its own, with an empty workspace, before
 * anything is published; a failing test fails the build. In the hermetic stage the guest's root is
 * installed from packages, as melange's is: the package under test (from this build, not yet published)
 * with its runtime dependencies, {@code test.environment.contents.packages}, the {@code needs} of the
 * test pipelines and the packages appended to every test ({@link EnvironmentSources#testPackages}), with an
 * apk database. In the host-toolchain stage its {@code /usr} holds the package
 * laid over the host's. {@code fetch} and {@code git-checkout} in a test pipeline are done by Kiln
 * before the sandbox, as in builds.
 */
final class PackageTests {
    private final Sandbox sandbox;
    private final SourceFetcher fetcher;
    private final GitCheckout git;
    private final Workspace workspace;
    private final BuildOptions options;
    private final OutputStream log;
    private final BuildDeadline deadline;
    /** Resolves test environments; null in the host-toolchain stage. */
    private final @Nullable EnvironmentResolver environments;

    PackageTests(
            Sandbox sandbox,
            SourceFetcher fetcher,
            GitCheckout git,
            Workspace workspace,
            BuildOptions options,
            OutputStream log,
            BuildDeadline deadline,
            @Nullable EnvironmentResolver environments) {
        this.sandbox = sandbox;
        this.fetcher = fetcher;
        this.git = git;
        this.workspace = workspace;
        this.options = options;
        this.log = log;
        this.deadline = deadline;
        this.environments = environments;
    }

    /**
     * The package under test, then the packages of the same build it needs at run time, directly or through
     * each other (gcc's C++ headers are in its libstdc++-dev): in the host-toolchain stage they are not installed
     * from a repository, so the guest takes them from the build's output.
     */
    static List<String> withBuildsRuntimeDependencies(PackagePlan pkg, List<PackagePlan> packages) {
        Map<String, PackagePlan> byName = new LinkedHashMap<>();
        packages.forEach(p -> byName.put(p.name(), p));
        Set<String> names = new LinkedHashSet<>();
        Deque<PackagePlan> todo = new ArrayDeque<>(List.of(pkg));
        while (!todo.isEmpty()) {
            PackagePlan next = todo.removeFirst();
            if (!names.add(next.name())) {
                continue;
            }
            for (String dependency : next.dependencies().runtime()) {
                PackagePlan built = byName.get(dependency.split("[<>=~]", 2)[0].trim());
                if (built != null) {
                    todo.addLast(built);
                }
            }
        }
        return List.copyOf(names);
    }

    void run(BuildPlan plan, List<PackagePlan> packages, List<BuiltPackage> built) throws IOException {
        List<ApkPackage> builtApks = environments == null
                ? List.of()
                : built.stream().map(b -> ApkReader.read(b.file())).toList();
        for (PackagePlan pkg : packages) {
            if (pkg.test() == null || pkg.test().steps().isEmpty()) {
                continue;
            }
            options.listener().onEvent(BuildListener.BuildEvent.phase(pkg.name(), "testing " + pkg.name()));
            String what = "test of " + pkg.name();
            try (Workspace guest =
                    Workspace.create(workspace.base(), "test-" + pkg.name(), workspace.logFile(), false)) {
                Path rootfs = null;
                List<Mount> mounts = new ArrayList<>();
                if (environments != null) {
                    List<String> world = new ArrayList<>(pkg.test().environmentPackages());
                    world.addAll(options.environment().testPackages());
                    world.add(pkg.name() + "=" + plan.fullVersion());
                    ResolvedEnvironment env = environments.resolve(
                            what,
                            world,
                            EnvironmentResolver.nativeStepNeeds(pkg.test().steps()),
                            builtApks);
                    // Installed apart from the cache (the package under test is new every build), then linked
                    // into a private root exactly as a build's is.
                    Path installed = Files.createDirectory(guest.base().resolve("installed"));
                    EnvironmentCache.writeRoot(env, installed);
                    rootfs = guest.base().resolve("rootfs");
                    EnvironmentCache.privateCopy(installed, rootfs, sandbox.identity());
                    options.listener()
                            .onEvent(new BuildListener.BuildEvent(
                                    BuildListener.BuildEvent.Kind.ENVIRONMENT,
                                    pkg.name(),
                                    "installed " + env.packages().size() + " packages for " + what + " " + env.key(),
                                    0,
                                    0));
                } else {
                    Path usr = guest.base().resolve("usr");
                    List<Path> usrs = new ArrayList<>();
                    for (String name : withBuildsRuntimeDependencies(pkg, packages)) {
                        usrs.add(workspace.outputDir(name).resolve("usr"));
                    }
                    GuestUsr.build(Path.of("/usr"), usrs, usr);
                    mounts.add(new Mount(Path.of("/usr"), GuestUsr.HOST_USR, true));
                    mounts.add(new Mount(usr, "/usr", true));
                }
                Map<String, String> env = new LinkedHashMap<>(plan.environmentVariables());
                env.putAll(pkg.test().environmentVariables());
                new StepRunner(
                                sandbox,
                                fetcher,
                                git,
                                guest,
                                options,
                                env,
                                List.of(),
                                log,
                                deadline,
                                rootfs,
                                mounts,
                                what + ": ")
                        .run(pkg.name(), pkg.test().steps());
            }
        }
    }
}
