package dev.kiln.image.internal;

import dev.kiln.apk.ApkException;
import dev.kiln.apk.ApkIndex;
import dev.kiln.apk.FileNode;
import dev.kiln.apk.FileTree;
import dev.kiln.apk.IndexEntry;
import dev.kiln.apk.RepositoryPackage;
import dev.kiln.image.ImageException;
import dev.kiln.image.ImageSpec;
import dev.kiln.image.ImageTrees;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.OciException;
import dev.kiln.oci.OciImage;
import dev.kiln.oci.OciLayout;
import dev.kiln.oci.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code contents.baseimage} as apko reads it ({@code chainguard-dev/apko: pkg/baseimg/base_image.go}):
 * {@code image} is an OCI image layout directory holding the base (the architecture's image is taken
 * from its index), {@code apkindex} a directory with {@code ARCH/APKINDEX}, the base's installed
 * packages in APKINDEX (installed database) form. The new image is the base's layers plus one layer
 * with what the build added or changed; its installed database lists the base's packages and the new
 * ones, and packages the base has are not installed again.
 *
 * @param image     the base image of the architecture
 * @param tree      the base's file tree (its layers applied), never changed: what the new layer is compared with
 * @param packages  the base's installed packages
 * @param installed the installed-database text of those packages, as the {@code apkindex} file has it
 */
public record BaseImageInput(OciImage image, FileTree tree, List<IndexEntry> packages, String installed) {
    /** The repository name the base's packages resolve from, so that they are never fetched. */
    public static final String REPOSITORY = "<baseimage>";

    public BaseImageInput {
        packages = List.copyOf(packages);
    }

    public static BaseImageInput load(Path baseDir, ImageSpec.BaseImage base, String apkArch) {
        Path layoutDir = baseDir.resolve(base.image()).normalize();
        Path indexFile = baseDir.resolve(base.apkindex())
                .resolve(apkArch)
                .resolve("APKINDEX")
                .normalize();
        OciImage image;
        try {
            image = new OciLayout(layoutDir).read(null).image(Platform.fromApkArch(apkArch));
        } catch (OciException e) {
            throw new ImageException(
                    "contents.baseimage.image " + base.image() + " (" + layoutDir + "): " + e.getMessage(), e);
        }
        String installed;
        List<IndexEntry> packages;
        try {
            installed = Files.readString(indexFile, StandardCharsets.UTF_8);
            packages = ApkIndex.parseText(installed).entries();
        } catch (IOException | ApkException e) {
            throw new ImageException(
                    "contents.baseimage.apkindex " + base.apkindex() + ": cannot read " + indexFile + ": "
                            + e.getMessage(),
                    e);
        }
        return new BaseImageInput(image, ImageTrees.read(image), packages, installed);
    }

    /** A tree of the base to build in, separate from {@link #tree()}, which stays as the base has it. */
    public FileTree workingTree() {
        return ImageTrees.read(image);
    }

    public ImageConfig config() {
        return image.parsedConfig();
    }

    /** The base's packages as resolver candidates, after every real repository. */
    public List<RepositoryPackage> candidates(int order) {
        return packages.stream()
                .map(e -> new RepositoryPackage(e, REPOSITORY, order))
                .toList();
    }

    /** {@code name=version} of every base package: the world keeps what the base has. */
    public List<String> pins() {
        return packages.stream().map(e -> e.name() + "=" + e.version()).toList();
    }

    public Set<String> names() {
        Set<String> out = new HashSet<>();
        packages.forEach(e -> out.add(e.name()));
        return out;
    }

    /** The newest build time among the base's packages, 0 when none says. */
    public long newestBuildTime() {
        return packages.stream().mapToLong(IndexEntry::buildTime).max().orElse(0);
    }

    /**
     * The installed database of the new image: the base's records, then the new ones (apko adds the
     * base's packages to its database before installing).
     */
    public String database(String added) {
        String base = installed.strip();
        return base.isEmpty() ? added : base + "\n\n" + added;
    }

    /**
     * The nodes of {@code full} that the base does not have exactly so, with the directories above
     * them, in the tree's order: the content of the layer on top of the base.
     */
    public List<FileNode> changes(FileTree full) {
        Set<String> needed = new HashSet<>();
        for (FileNode n : full.entries()) {
            FileNode before = tree.get(n.path()).orElse(null);
            if (before == null || !same(before, n)) {
                for (String p = n.path(); !p.isEmpty(); p = parent(p)) {
                    if (!needed.add(p)) {
                        break;
                    }
                }
            }
        }
        List<FileNode> out = new ArrayList<>();
        for (FileNode n : full.entries()) {
            if (needed.contains(n.path())) {
                out.add(n);
            }
        }
        return out;
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private static boolean same(FileNode a, FileNode b) {
        return a.kind() == b.kind()
                && (a.mode() & 07777) == (b.mode() & 07777)
                && a.uid() == b.uid()
                && a.gid() == b.gid()
                && a.mtime() == b.mtime()
                && Arrays.equals(a.content(), b.content())
                && Objects.equals(a.linkTarget(), b.linkTarget())
                && xattrsEqual(a, b);
    }

    private static boolean xattrsEqual(FileNode a, FileNode b) {
        if (a.xattrs().size() != b.xattrs().size()) {
            return false;
        }
        return a.xattrs().entrySet().stream()
                .allMatch(e -> Arrays.equals(e.getValue(), b.xattrs().get(e.getKey())));
    }
}
