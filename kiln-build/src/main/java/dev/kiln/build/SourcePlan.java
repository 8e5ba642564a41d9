package dev.kiln.build;

import dev.kiln.attest.SourceRef;
import dev.kiln.build.source.GitCheckout;
import dev.kiln.build.source.SourceChecksum;
import dev.kiln.build.source.SourceFetcher;
import dev.kiln.content.Purl;
import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.FetchStep;
import dev.kiln.recipe.GitCheckoutStep;
import dev.kiln.recipe.Source;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Maps the source steps of a plan onto the cache, and fetches them all before any step runs. */
final class SourcePlan {
    private SourcePlan() {}

    static void prefetch(BuildPlan plan, SourceFetcher fetcher, GitCheckout git, BuildListener listener) {
        for (Source source : plan.sources()) {
            if (source instanceof FetchStep f) {
                listener.onEvent(BuildListener.BuildEvent.phase(plan.name(), "source " + f.uri()));
                fetcher.fetch(f.uri(), checksumOf(f));
            } else if (source instanceof GitCheckoutStep g) {
                listener.onEvent(BuildListener.BuildEvent.phase(plan.name(), "source " + g.repository()));
                git.prefetch(requestOf(g));
            }
        }
    }

    static @Nullable SourceChecksum checksumOf(FetchStep f) {
        if (f.expectedSha256() != null && !f.expectedSha256().isEmpty()) {
            return SourceChecksum.sha256(f.expectedSha256());
        }
        if (f.expectedSha512() != null && !f.expectedSha512().isEmpty()) {
            return SourceChecksum.sha512(f.expectedSha512());
        }
        return null;
    }

    static GitCheckout.Request requestOf(GitCheckoutStep g) {
        return new GitCheckout.Request(
                g.repository(), emptyToNull(g.branch()), emptyToNull(g.tag()), emptyToNull(g.expectedCommit()));
    }

    /** The file name a download is stored under in the workspace: the last path segment of the URI. */
    static String fileNameOf(String uri) {
        String path = URI.create(uri).getPath();
        String name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
        if (name.isEmpty() || name.equals("..") || name.equals(".")) {
            throw new BuildException("fetch " + uri + ": the URI has no file name");
        }
        return name;
    }

    /** The upstream sources of a plan as SBOM references, with purls as melange writes them. */
    static List<SourceRef> sbomRefs(BuildPlan plan) {
        List<SourceRef> refs = new ArrayList<>();
        for (Source source : plan.sources()) {
            if (source instanceof FetchStep f) {
                SourceChecksum c = checksumOf(f);
                // melange's fetch defaults purl-name and purl-version to the package's name and version
                String purlName = Objects.requireNonNullElse(f.purlName(), plan.name());
                String purlVersion = Objects.requireNonNullElse(f.purlVersion(), plan.version());
                String purl = Purl.of("generic", null, purlName, purlVersion)
                        .withQualifier("checksum", c == null ? null : c.algorithm() + ":" + c.hex())
                        .withQualifier("download_url", f.uri())
                        .toString();
                refs.add(new SourceRef(purlName, purlVersion, purl));
            } else if (source instanceof GitCheckoutStep g) {
                String ref = g.tag() != null && !g.tag().isEmpty()
                        ? g.tag()
                        : g.expectedCommit() != null
                                ? g.expectedCommit()
                                // a checkout that names no tag, commit or branch takes the remote's default
                                : Objects.requireNonNullElse(g.branch(), "HEAD");
                Matcher gh = GITHUB.matcher(g.repository());
                String purl;
                String name;
                if (gh.matches()) {
                    name = gh.group(2);
                    purl = Purl.of("github", gh.group(1), gh.group(2), ref).toString();
                } else {
                    String path = URI.create(g.repository().replace(" ", "%20")).getPath();
                    name = path == null
                            ? plan.name()
                            : path.replaceAll("(\\.git)?/*$", "").replaceAll(".*/", "");
                    purl = Purl.of("generic", null, name, ref)
                            .withQualifier(
                                    "vcs_url",
                                    "git+" + g.repository()
                                            + (g.expectedCommit() == null ? "" : "@" + g.expectedCommit()))
                            .toString();
                }
                refs.add(new SourceRef(name, ref, purl));
            }
        }
        return refs;
    }

    private static final Pattern GITHUB = Pattern.compile("https://github\\.com/([^/]+)/([^/]+?)(?:\\.git)?/?");

    private static @Nullable String emptyToNull(@Nullable String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
