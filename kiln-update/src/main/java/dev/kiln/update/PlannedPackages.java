package dev.kiln.update;

import dev.kiln.apk.IndexEntry;
import dev.kiln.apk.RepositoryPackage;
import dev.kiln.content.Hashing;
import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.PackageDependencies;
import dev.kiln.recipe.PackagePlan;
import dev.kiln.recipe.Recipe;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The packages a catalog of recipes will build, as the index entries the resolver reads: every
 * compiled main package and subpackage with its full version, {@code provides}, runtime
 * {@code dependencies} and provider priority, its recipe as origin. Names that only the build's
 * SCA discovers ({@code so:}/{@code cmd:}/{@code pc:} not declared in {@code provides}) are not
 * known before a build, so environments naming them stay unresolved.
 */
final class PlannedPackages {
    /** The label these packages carry as their repository. */
    static final String REPOSITORY = "recipes";

    private PlannedPackages() {}

    static List<RepositoryPackage> of(BuildPlan plan) {
        List<RepositoryPackage> out = new ArrayList<>();
        out.add(entry(plan.name(), plan, plan.mainPackage()));
        for (PackagePlan sub : plan.subpackages()) {
            out.add(entry(plan.name(), plan, sub));
        }
        return out;
    }

    /** A recipe that did not compile offers its package name only, so the edges to it are kept. */
    static RepositoryPackage uncompiled(Recipe recipe) {
        String name = recipe.pkg().name();
        return entry(name, name, recipe.pkg().version() + "-r" + recipe.pkg().epoch(), List.of(), List.of(), null);
    }

    private static RepositoryPackage entry(String origin, BuildPlan plan, PackagePlan p) {
        PackageDependencies d = p.dependencies();
        return entry(origin, p.name(), plan.fullVersion(), d.runtime(), d.provides(), d.providerPriority());
    }

    private static RepositoryPackage entry(
            String origin,
            String name,
            String version,
            List<String> depends,
            List<String> provides,
            @Nullable Integer priority) {
        // Not built yet, so there is no control stream to hash: a stable stand-in identity keeps
        // IndexEntry's Q1 form and makes each planned package distinct.
        byte[] key = (origin + "\n" + name + "\n" + version).getBytes(StandardCharsets.UTF_8);
        String identity = "Q1" + Hashing.base64(Hashing.sha1().digest(key));
        return new RepositoryPackage(
                new IndexEntry(
                        identity, name, version, null, 0, 0, "", "", "", origin, null, 0, null, priority, depends,
                        provides, List.of()),
                REPOSITORY,
                0);
    }
}
