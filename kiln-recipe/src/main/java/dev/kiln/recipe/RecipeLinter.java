package dev.kiln.recipe;

import dev.kiln.content.Position;
import dev.kiln.recipe.LintFinding.Severity;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Recipe lint before any build (recipes.md section 12.1): Wolfi's rules that matter to Kiln plus
 * Kiln's own (sources must be pinned, every {@code uses} must resolve).
 */
public final class RecipeLinter {
    private static final Pattern STRICT_VERSION = Pattern.compile(
            "^([0-9]+)((\\.[0-9]+)*)([a-z]?)((_alpha|_beta|_pre|_rc)([0-9]*))?((_cvs|_svn|_git|_hg|_p)([0-9]*))?$");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{\\{ *([A-Za-z0-9._-]+) *}}");
    private static final Pattern CHECK_WHEN = Pattern.compile("#\\s*CHECK-WHEN-VERSION-CHANGES:\\s*(\\S+)");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");
    private static final Set<String> PERIODS = Set.of("daily", "weekly", "monthly");
    private static final Set<String> FIXED_VARS = Set.of(
            "package.name",
            "package.version",
            "package.epoch",
            "package.full-version",
            "package.description",
            "package.srcdir",
            "targets.outdir",
            "targets.destdir",
            "targets.contextdir",
            "targets.subpkgdir",
            "subpkg.name",
            "context.name",
            "host.triplet.gnu",
            "host.triplet.rust",
            "cross.triplet.gnu.glibc",
            "cross.triplet.gnu.musl",
            "cross.triplet.rust.glibc",
            "cross.triplet.rust.musl",
            "build.arch",
            "build.goarch",
            "range.key",
            "range.value");

    private final PipelineLibrary library;

    /** A linter that resolves {@code uses} against the built-in pipelines only. */
    public RecipeLinter() {
        this(PipelineLibrary.withBuiltins(List.of()));
    }

    public RecipeLinter(PipelineLibrary library) {
        this.library = library;
    }

    public List<LintFinding> lint(Recipe recipe, BuildPlan planOrNull) {
        Run run = new Run(recipe);
        PackageSpec pkg = recipe.pkg();
        if (!pkg.epochSet()) {
            run.add("contains-epoch", Severity.ERROR, "package", "package.epoch is missing");
        }
        if (pkg.version() != null && !STRICT_VERSION.matcher(pkg.version()).matches()) {
            run.add(
                    "bad-version",
                    Severity.ERROR,
                    "package.version",
                    "version '" + pkg.version()
                            + "' is not a strict APK version (digits, one letter, one pre- and one post-suffix at most)");
        }
        repeated(run, pkg.dependencies(), "package.dependencies");
        repeatedList(run, recipe.environment().contents().packages(), "environment.contents.packages");
        environment(run, recipe.environment(), "environment");
        if (recipe.test() == null || recipe.test().pipeline().isEmpty()) {
            run.add(
                    "valid-package-or-subpackage-test",
                    Severity.INFO,
                    "package",
                    "package '" + pkg.name() + "' has no test");
        }
        for (SubpackageSpec s : recipe.subpackages()) {
            repeated(run, s.dependencies(), s.path() + ".dependencies");
            if (s.test() == null || s.test().pipeline().isEmpty()) {
                run.add(
                        "valid-package-or-subpackage-test",
                        Severity.INFO,
                        s.path(),
                        "subpackage '" + s.name() + "' has no test");
            }
            if (s.test() != null) {
                environment(run, s.test().environment(), s.test().path() + ".environment");
            }
        }
        if (recipe.test() != null) {
            environment(run, recipe.test().environment(), "test.environment");
        }
        for (PipelineStep step : allSteps(recipe)) {
            step(run, step);
        }
        update(run, recipe.update());
        text(run, recipe);
        return run.findings;
    }

    private void step(Run run, PipelineStep s) {
        if (s.uses() == null) {
            return;
        }
        String w = s.path() + ".with.";
        try {
            if (library.find(s.uses()).isEmpty()) {
                run.add(
                        "unknown-pipeline",
                        Severity.ERROR,
                        s.path() + ".uses",
                        "pipeline '" + s.uses() + "' resolves to no definition");
            }
        } catch (RecipeException e) {
            run.add(
                    "unknown-pipeline",
                    Severity.ERROR,
                    s.path() + ".uses",
                    e.problems().get(0).message());
        }
        Map<String, String> with = s.with();
        if (s.uses().equals("fetch")) {
            String uri = with.get("uri");
            if (uri == null || !validUri(uri)) {
                run.add(
                        "valid-pipeline-fetch-uri",
                        Severity.ERROR,
                        w + "uri",
                        "fetch uri '" + uri + "' is not a valid URL");
            }
            digest(run, with, "expected-sha256", 64, w);
            digest(run, with, "expected-sha512", 128, w);
            if (!with.containsKey("expected-sha256") && !with.containsKey("expected-sha512")) {
                run.add(
                        "pinned-fetch",
                        Severity.ERROR,
                        s.path(),
                        "fetch without expected-sha256 or expected-sha512: " + "sources must be pinned");
            }
        } else if (s.uses().equals("git-checkout")) {
            String commit = with.get("expected-commit");
            if (commit == null) {
                run.add(
                        "pinned-git-checkout",
                        Severity.ERROR,
                        s.path(),
                        "git-checkout without expected-commit: " + "sources must be pinned");
            } else if (!commit.contains("${{")
                    && (commit.length() != 40 || !HEX.matcher(commit).matches())) {
                run.add(
                        "valid-pipeline-git-checkout-commit",
                        Severity.ERROR,
                        w + "expected-commit",
                        "expected-commit '" + commit + "' is not 40 hex characters");
            }
            boolean tag = with.containsKey("tag");
            boolean branch = with.containsKey("branch");
            if (tag == branch) {
                run.add(
                        "valid-pipeline-git-checkout-tag-or-branch",
                        Severity.ERROR,
                        s.path(),
                        tag ? "git-checkout sets both tag and branch" : "git-checkout sets neither tag nor branch");
            }
        }
    }

    private static void digest(Run run, Map<String, String> with, String key, int length, String w) {
        String v = with.get(key);
        if (v != null
                && !v.contains("${{")
                && (v.length() != length || !HEX.matcher(v).matches())) {
            run.add(
                    "valid-pipeline-fetch-digest",
                    Severity.ERROR,
                    w + key,
                    key + " must be " + length + " hex characters, got '" + v + "'");
        }
    }

    private static boolean validUri(String raw) {
        try {
            URI u = new URI(raw.replaceAll("\\$\\{\\{[^}]*}}", "x"));
            return u.getScheme() != null
                    && Set.of("http", "https", "ftp").contains(u.getScheme().toLowerCase(Locale.ROOT))
                    && u.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static void repeated(Run run, DependenciesSpec d, String path) {
        repeatedList(run, d.runtime(), path + ".runtime");
        repeatedList(run, d.provides(), path + ".provides");
        repeatedList(run, d.replaces(), path + ".replaces");
    }

    private static void repeatedList(Run run, List<String> items, String path) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            if (!seen.add(items.get(i))) {
                run.add(
                        "no-repeated-deps",
                        Severity.ERROR,
                        path + "[" + i + "]",
                        "'" + items.get(i) + "' is listed more than once in " + path);
            }
        }
    }

    private static void environment(Run run, BuildEnvironment env, String path) {
        List<String> repos = env.contents().repositories();
        for (int i = 0; i < repos.size(); i++) {
            String r = repos.get(i);
            if (r.startsWith("@")) {
                run.add(
                        "tagged-repository-in-environment-repos",
                        Severity.ERROR,
                        path + ".contents.repositories[" + i + "]",
                        "tagged repository '" + r + "' in the build environment");
            }
        }
        for (String p : env.contents().packages()) {
            if (p.equals("sccache") || p.startsWith("sccache=") || p.startsWith("sccache>")) {
                run.add(
                        "sccache-enabled",
                        Severity.ERROR,
                        path + ".contents.packages",
                        "sccache in the build environment");
            }
        }
    }

    private static void update(Run run, @Nullable UpdateSpec u) {
        if (u == null) {
            return;
        }
        if (!u.enabled() && (u.excludeReason() == null || u.excludeReason().isBlank())) {
            run.add(
                    "update-disabled-reason",
                    Severity.WARNING,
                    "update",
                    "updates are disabled without an exclude-reason");
        }
        if (u.schedule() != null
                && (u.schedule().period() == null
                        || !PERIODS.contains(u.schedule().period().toLowerCase(Locale.ROOT)))) {
            run.add(
                    "valid-update-schedule",
                    Severity.ERROR,
                    "update.schedule.period",
                    "schedule period '" + u.schedule().period() + "' is not daily, weekly or monthly");
        }
    }

    /** Rules that read the file text: template names and comments. */
    private static void text(Run run, Recipe recipe) {
        String text = recipe.text() == null ? "" : recipe.text();
        Set<String> known = new HashSet<>(FIXED_VARS);
        recipe.vars().keySet().forEach(v -> known.add("vars." + v));
        recipe.varTransforms().forEach(t -> known.add("vars." + t.to()));
        recipe.options().forEach((name, o) -> {
            known.add("options." + name + ".enabled");
            o.vars().keySet().forEach(v -> known.add("vars." + v));
        });
        Set<String> used = new HashSet<>();
        Matcher m = REFERENCE.matcher(text);
        while (m.find()) {
            String name = m.group(1);
            used.add(name);
            if (!known.contains(name) && !name.startsWith("targets.package.")) {
                run.addAt(
                        "bad-template-var",
                        Severity.ERROR,
                        text,
                        m.start(),
                        "unknown template variable ${{" + name + "}}");
            }
        }
        for (VarTransform t : recipe.varTransforms()) {
            if (!used.contains("vars." + t.to())) {
                run.add(
                        "unused-var-transform",
                        Severity.WARNING,
                        t.path() + ".to",
                        "var-transform result '" + t.to() + "' is never used");
            }
        }
        Matcher c = CHECK_WHEN.matcher(text);
        while (c.find()) {
            String v = recipe.pkg().version();
            if (v != null && !c.group(1).equals(v)) {
                run.addAt(
                        "check-when-version-changes",
                        Severity.ERROR,
                        text,
                        c.start(),
                        "CHECK-WHEN-VERSION-CHANGES says '" + c.group(1) + "' but the version is '" + v
                                + "': review the comment's instructions");
            }
        }
    }

    private static List<PipelineStep> allSteps(Recipe recipe) {
        List<PipelineStep> out = new ArrayList<>();
        collect(recipe.pipeline(), out);
        if (recipe.test() != null) {
            collect(recipe.test().pipeline(), out);
        }
        for (SubpackageSpec s : recipe.subpackages()) {
            collect(s.pipeline(), out);
            if (s.test() != null) {
                collect(s.test().pipeline(), out);
            }
        }
        return out;
    }

    private static void collect(List<PipelineStep> steps, List<PipelineStep> out) {
        for (PipelineStep s : steps) {
            out.add(s);
            collect(s.pipeline(), out);
        }
    }

    private static final class Run {
        final Recipe recipe;
        final List<LintFinding> findings = new ArrayList<>();

        Run(Recipe recipe) {
            this.recipe = recipe;
        }

        void add(String rule, Severity severity, String path, String message) {
            Position p = recipe.sourceMap().nearest(path);
            findings.add(new LintFinding(rule, severity, recipe.file(), p.line(), p.column(), message));
        }

        void addAt(String rule, Severity severity, String text, int offset, String message) {
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < offset; i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            findings.add(new LintFinding(rule, severity, recipe.file(), line, offset - lineStart + 1, message));
        }
    }
}
