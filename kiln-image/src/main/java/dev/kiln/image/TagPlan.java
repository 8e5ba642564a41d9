package dev.kiln.image;

import dev.kiln.apk.ApkVersion;
import dev.kiln.apk.InstalledPackage;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The tags an image is published under, as users of Chainguard-style images expect
 * (images.md §9): {@code latest}, the upstream version at each precision ({@code 3}, {@code 3.13},
 * {@code 3.13.5}) and the immutable epoch-suffixed {@code 3.13.5-r2}; a {@code -dev} variant gets the
 * same with {@code -dev} ({@code latest-dev}, {@code 3.13-dev}, {@code 3.13.5-r2-dev}).
 *
 * <p>The moving tags are pushed on every publication and so follow the content: an unchanged build
 * has the same digest and moves nothing. The immutable tag names one image forever: it is pushed only
 * when the registry does not have it yet. A pre-release ({@code _alpha}, {@code _beta}, {@code _pre},
 * {@code _rc}) moves neither {@code latest} nor the shorter version tags, only its own.
 *
 * @param moving    tags that follow the newest content, most general first
 * @param immutable the tag of exactly this package version and epoch; null without a version
 */
public record TagPlan(List<String> moving, @Nullable String immutable) {
    /** The annotation that names the package whose version names the image (images.md §9). */
    public static final String MAIN_PACKAGE = "dev.kiln.package.main";

    public static final String LATEST = "latest";
    public static final String DEV_SUFFIX = "-dev";

    private static final Pattern PRE_RELEASE = Pattern.compile("_(alpha|beta|pre|rc)\\d*");
    private static final Pattern OCI_TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    public TagPlan {
        moving = List.copyOf(moving);
    }

    /** Every tag, moving first. */
    public List<String> all() {
        List<String> out = new ArrayList<>(moving);
        if (immutable != null) {
            out.add(immutable);
        }
        return List.copyOf(out);
    }

    /** Only {@code latest} (or {@code latest-dev}): an image that names no package version. */
    public static TagPlan latestOnly(boolean dev) {
        return new TagPlan(List.of(LATEST + suffix(dev)), null);
    }

    /**
     * The tags of a package's full APK version ({@code 3.13.5-r2}). The upstream part's precisions
     * end at each {@code .}; an upstream version is not split inside a component ({@code 2026b},
     * {@code 1.1.1w} keep their letters).
     */
    public static TagPlan forVersion(String fullVersion, boolean dev) {
        if (!ApkVersion.isValid(fullVersion)) {
            throw new ImageException("cannot tag by version '" + fullVersion + "': not an APK version");
        }
        int r = fullVersion.lastIndexOf("-r");
        String upstream = r < 0 ? fullVersion : fullVersion.substring(0, r);
        String epoch = r < 0 ? "r0" : fullVersion.substring(r + 1);
        String suffix = suffix(dev);
        List<String> moving = new ArrayList<>();
        if (PRE_RELEASE.matcher(upstream).find()) {
            moving.add(upstream + suffix);
        } else {
            moving.add(LATEST + suffix);
            for (int dot = upstream.indexOf('.'); dot >= 0; dot = upstream.indexOf('.', dot + 1)) {
                moving.add(upstream.substring(0, dot) + suffix);
            }
            moving.add(upstream + suffix);
        }
        String immutable = upstream + "-" + epoch + suffix;
        for (String tag : moving) {
            requireTag(tag, fullVersion);
        }
        requireTag(immutable, fullVersion);
        return new TagPlan(moving.stream().distinct().toList(), immutable);
    }

    /**
     * The plan of a built image: by the version of the package its {@code dev.kiln.package.main}
     * annotation names, installed in its first architecture; {@code latest} alone without the annotation.
     */
    public static TagPlan forImage(ImageBuild build, boolean dev) {
        String main = build.spec().annotations().get(MAIN_PACKAGE);
        if (main == null) {
            return latestOnly(dev);
        }
        InstalledPackage pkg = build.archs().get(0).packages().stream()
                .filter(p -> p.name().equals(main))
                .findFirst()
                .orElseThrow(() -> new ImageException("annotation " + MAIN_PACKAGE + " names '" + main
                        + "', which the image does not install; name one of its packages"));
        return forVersion(pkg.version(), dev);
    }

    private static String suffix(boolean dev) {
        return dev ? DEV_SUFFIX : "";
    }

    private static void requireTag(String tag, String version) {
        if (!OCI_TAG.matcher(tag).matches()) {
            throw new ImageException("version " + version + " gives '" + tag + "', which is not a valid OCI tag");
        }
    }
}
