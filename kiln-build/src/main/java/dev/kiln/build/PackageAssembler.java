package dev.kiln.build;

import dev.kiln.apk.ApkInput;
import dev.kiln.apk.ApkWriter;
import dev.kiln.apk.FileOwners;
import dev.kiln.apk.PkgInfo;
import dev.kiln.apk.WrittenApk;
import dev.kiln.attest.PackageSbomInput;
import dev.kiln.attest.SourceRef;
import dev.kiln.attest.SpdxPackageSbom;
import dev.kiln.build.analysis.BuildTimeLeak;
import dev.kiln.build.analysis.DependencyScanner;
import dev.kiln.build.analysis.HardeningCheck;
import dev.kiln.build.analysis.HardeningReport;
import dev.kiln.build.analysis.PackageLintFinding;
import dev.kiln.build.analysis.PackageLinter;
import dev.kiln.build.analysis.ScanOptions;
import dev.kiln.build.analysis.ScanResult;
import dev.kiln.content.ContainedTree;
import dev.kiln.content.ContentException;
import dev.kiln.content.Digest;
import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.LintFinding.Severity;
import dev.kiln.recipe.PackagePlan;
import dev.kiln.sandbox.GuestAccounts;
import dev.kiln.sandbox.IdentityMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Turns one package output directory into a signed APK: linters and the hardening check
 * (which can fail the build), dependency detection, the per-package SBOM, then the writer.
 */
final class PackageAssembler {
    /** Name under {@code checks.disabled} that turns hardening failures into warnings. */
    static final String HARDENING_CHECK = "hardening";

    private final BuildOptions options;
    private final FileOwners owners;
    private final Set<LocalDate> buildDays;

    /**
     * @param identity the build sandbox's id map, to record owners as the build saw them
     * @param buildDays the days (UTC) the build ran on, which its packages should not contain
     */
    PackageAssembler(BuildOptions options, IdentityMap identity, Set<LocalDate> buildDays) {
        this.options = options;
        this.owners = ownersSeenBy(identity);
        this.buildDays = Set.copyOf(buildDays);
    }

    /**
     * Host ids back to the ids inside the build, named from the build's own /etc files. Ids outside
     * the build's range (files Kiln itself wrote, such as the SBOM) are root's.
     */
    static FileOwners ownersSeenBy(IdentityMap identity) {
        return (hostUid, hostGid) -> {
            int uid = Math.max(identity.guestUidOf(hostUid), 0);
            int gid = Math.max(identity.guestGidOf(hostGid), 0);
            if (uid == 0 && gid == 0) {
                return FileOwners.Owner.ROOT;
            }
            return new FileOwners.Owner(
                    uid,
                    gid,
                    GuestAccounts.userName(uid).orElse(""),
                    GuestAccounts.groupName(gid).orElse(""));
        };
    }

    BuiltPackage assemble(BuildPlan plan, PackagePlan pkg, Path dir, Path stagingDir) throws IOException {
        String name = pkg.name();
        List<String> warnings = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (PackageLintFinding finding : new PackageLinter().lint(dir, name, pkg.checksDisabled())) {
            String text = finding.linter() + ": " + finding.path() + ": " + finding.message();
            (finding.severity() == Severity.ERROR ? errors : warnings).add(text);
        }
        if (!errors.isEmpty()) {
            throw new BuildException(
                    "package " + name,
                    "linters failed (disable with checks.disabled):\n  " + String.join("\n  ", errors),
                    null);
        }

        if (!pkg.checksDisabled().contains(BuildTimeLeak.CHECK)) {
            BuildTimeLeak.scan(dir, buildDays, options.sourceDateEpoch())
                    .ifPresent(
                            leak -> warnings.add(BuildTimeLeak.CHECK + ": " + leak.message(options.sourceDateEpoch())));
        }

        HardeningReport hardening = new HardeningCheck().check(dir);
        if (!hardening.passed()) {
            if (pkg.checksDisabled().contains(HARDENING_CHECK)) {
                warnings.add("hardening: " + hardening.render());
            } else {
                throw new BuildException(
                        "package " + name,
                        "hardening check failed (disable with checks.disabled: [" + HARDENING_CHECK + "]):\n"
                                + hardening.render(),
                        null);
            }
        }

        var opts = pkg.options();
        ScanResult scan = new DependencyScanner()
                .scan(
                        dir,
                        plan.fullVersion(),
                        new ScanOptions(
                                opts.noProvides(), opts.noDepends(), opts.noCommands(), opts.noVersionedShlibDeps()));
        List<String> provides = sorted(pkg.dependencies().provides(), scan.provides());
        List<String> depends = DependencyScanner.merge(pkg.dependencies().runtime(), scan.depends(), provides);

        writeSbom(plan, name, dir);

        PkgInfo info = PkgInfo.builder()
                .name(name)
                .version(plan.fullVersion())
                .arch(options.arch())
                .origin(plan.name())
                .description(orEmpty(pkg.description()))
                .url(orEmpty(pkg.url()))
                .commit(pkg.commit())
                .builddate(options.sourceDateEpoch())
                .license(plan.license())
                .depends(depends)
                .provides(provides)
                .replaces(pkg.dependencies().replaces())
                .providerPriority(pkg.dependencies().providerPriority())
                .replacesPriority(pkg.dependencies().replacesPriority())
                .triggers(pkg.triggerPaths())
                .build();
        Map<String, byte[]> control = new LinkedHashMap<>();
        control.put(".melange.yaml", plan.toYaml().getBytes(StandardCharsets.UTF_8));
        pkg.scriptlets().forEach((script, text) -> control.put(script, text.getBytes(StandardCharsets.UTF_8)));
        WrittenApk written = new ApkWriter()
                .write(
                        new ApkInput(
                                info,
                                dir,
                                control,
                                FileCapabilities.xattrs(name, pkg.setcap()),
                                options.sourceDateEpoch(),
                                owners),
                        options.signingKey(),
                        stagingDir.resolve(name + "-" + plan.fullVersion() + ".apk"));
        return new BuiltPackage(
                name,
                plan.fullVersion(),
                written.file(),
                written.sha256().hex(),
                written.identity(),
                written.pkgInfo().size(),
                depends,
                provides,
                hardening.passed(),
                hardening.files().size(),
                hardening.render(),
                warnings);
    }

    /** The SBOM goes into a tree the build wrote, so a planted link on its path is refused, not followed. */
    private void writeSbom(BuildPlan plan, String name, Path dir) {
        List<SourceRef> sources = SourcePlan.sbomRefs(plan);
        byte[] sbom = new SpdxPackageSbom()
                .write(new PackageSbomInput(
                        options.namespace(),
                        name,
                        plan.fullVersion(),
                        options.arch(),
                        plan.license(),
                        null,
                        recipePath(plan),
                        plan.commit(),
                        sources,
                        planDigest(plan, name),
                        options.sourceDateEpoch(),
                        PackageProvenance.TOOL_VERSION));
        try {
            ContainedTree.of(dir).write("var/lib/db/sbom/" + name + "-" + plan.fullVersion() + ".spdx.json", sbom);
        } catch (ContentException e) {
            throw new BuildException("package " + name, "cannot write the SBOM: " + e.getMessage(), e);
        }
    }

    /**
     * The recipe as the SBOM names it: its file name. The plan holds the path it was loaded from, which
     * is a path on this machine (often absolute) and would make the package's bytes depend on where the
     * catalog was checked out.
     */
    private static String recipePath(BuildPlan plan) {
        Path file =
                plan.recipeFile() == null ? null : Path.of(plan.recipeFile()).getFileName();
        return file == null ? plan.name() + ".yaml" : file.toString();
    }

    /**
     * Identifies the build inside the SBOM namespace. The SBOM is itself part of the data
     * stream, so the data hash cannot be used; the compiled plan plus the package name is.
     */
    private String planDigest(BuildPlan plan, String name) {
        return Digest.sha256((plan.toYaml() + "\n" + name + "\n" + options.arch()).getBytes(StandardCharsets.UTF_8))
                .hex();
    }

    private static List<String> sorted(List<String> a, List<String> b) {
        TreeSet<String> all = new TreeSet<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    private static String orEmpty(@Nullable String s) {
        return s == null ? "" : s;
    }
}
