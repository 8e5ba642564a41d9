package dev.kiln.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A host directory whose content someone untrusted controlled (a build's workspace, a package's
 * output directory), into which Kiln itself now writes. Every path is relative to the root and is
 * walked one component at a time with {@link LinkOption#NOFOLLOW_LINKS}: a component that is a
 * symbolic link, an intermediate component that is not a directory, or a {@code ..} that climbs
 * above the root is refused with an {@link EscapedTreeException} naming the path. Refusing links
 * (rather than resolving them inside the root) keeps the rule simple and the same for absolute,
 * relative, dangling and looping links.
 *
 * <p>The walk checks and then uses host paths, so it relies on nothing else changing the tree
 * meanwhile: Kiln writes only between sandbox runs, when no build process is alive. The final
 * open still refuses a link ({@code O_NOFOLLOW}) and atomic writes rename over the final name
 * (a rename replaces a link, it never writes through it), which narrows what a race could do.
 */
public final class ContainedTree {
    private final Path root;

    private ContainedTree(Path root) {
        this.root = root;
    }

    /**
     * The tree at {@code root}, which must be an existing directory and not itself a symbolic
     * link; the directories above it are the caller's and are trusted.
     */
    public static ContainedTree of(Path root) {
        Path absolute = root.toAbsolutePath().normalize();
        if (Files.isSymbolicLink(absolute)) {
            throw new EscapedTreeException(
                    ".",
                    "directory " + absolute + " is a symbolic link to " + linkTarget(absolute)
                            + "; refusing to write through it");
        }
        if (!Files.isDirectory(absolute, LinkOption.NOFOLLOW_LINKS)) {
            throw new EscapedTreeException(".", "directory " + absolute + " does not exist or is not a directory");
        }
        return new ContainedTree(absolute);
    }

    public Path root() {
        return root;
    }

    /**
     * The host path of {@code relative}, after checking every component that exists: none may be
     * a link, all but the last must be directories. Missing components are allowed.
     */
    public Path resolve(String relative) {
        return walk(relative, false, false);
    }

    /** Creates {@code relative} and its missing parents as directories; returns the host path. */
    public Path createDirectories(String relative) {
        return walk(relative, true, true);
    }

    /**
     * Opens {@code relative} for writing, creating it (and its parents) or truncating a regular
     * file already there; a link or any other kind of file in its place is refused.
     */
    public OutputStream newOutputStream(String relative) {
        Path file = fileTarget(relative);
        try {
            return Channels.newOutputStream(Files.newByteChannel(
                    file,
                    Set.of(
                            StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.WRITE,
                            LinkOption.NOFOLLOW_LINKS)));
        } catch (IOException e) {
            throw new EscapedTreeException(relative, "cannot write " + describe(relative) + ": " + e.getMessage(), e);
        }
    }

    /** Replaces {@code relative} atomically with {@code bytes} (mode 0644), creating its parents. */
    public void write(String relative, byte[] bytes) {
        write(relative, out -> out.write(bytes), AtomicFiles.DEFAULT_PERMISSIONS);
    }

    /** Replaces {@code relative} atomically with what {@code writer} produces, creating its parents. */
    public void write(String relative, AtomicFiles.IoWriter writer, Set<PosixFilePermission> permissions) {
        AtomicFiles.write(fileTarget(relative), writer, permissions);
    }

    /** Copies the host file {@code source} atomically to {@code relative} (mode 0644). */
    public void copy(Path source, String relative) {
        write(
                relative,
                out -> {
                    try (InputStream in = Files.newInputStream(source)) {
                        AtomicFiles.transfer(in, out);
                    }
                },
                AtomicFiles.DEFAULT_PERMISSIONS);
    }

    /**
     * Copies the host tree {@code from} (walked without following links) into the directory
     * {@code relative}, keeping file modes and recreating symbolic links as links; files present
     * in both are replaced. Links met on the way in this tree are refused like any other write.
     */
    public void copyTree(Path from, String relative) {
        String base = createPath(relative);
        try {
            Files.walkFileTree(from, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    createDirectories(join(base, from.relativize(dir)));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    String target = join(base, from.relativize(file));
                    if (attrs.isSymbolicLink()) {
                        copyLink(file, target);
                    } else if (attrs.isRegularFile()) {
                        write(
                                target,
                                out -> {
                                    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                                        AtomicFiles.transfer(in, out);
                                    }
                                },
                                Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new ContentException(
                    "cannot copy " + from + " into " + describe(relative) + ": " + e.getMessage(), e);
        }
    }

    /** A link from the source tree replaces a file or link at its place (unlinking never follows a link). */
    private void copyLink(Path link, String target) throws IOException {
        Path parent = walk(parentOf(target), true, true);
        Path place = parent.resolve(nameOf(target));
        BasicFileAttributes existing = attributes(place);
        if (existing != null && existing.isDirectory()) {
            throw new EscapedTreeException(target, "cannot write " + describe(target) + ": a directory is in the way");
        }
        if (existing != null) {
            Files.delete(place);
        }
        Files.createSymbolicLink(place, Files.readSymbolicLink(link));
    }

    /** The host path where a file may be written at {@code relative}: parents made, the name checked. */
    private Path fileTarget(String relative) {
        Path file = walk(relative, true, false);
        if (file.equals(root)) {
            throw new EscapedTreeException(
                    relative, "cannot write " + describe(relative) + ": it names the tree's root");
        }
        return file;
    }

    /**
     * Walks {@code relative} from the root. With {@code create}, missing directories are made;
     * {@code lastIsDir} says whether the final component must be a directory or a regular file.
     */
    private Path walk(String relative, boolean create, boolean lastIsDir) {
        List<String> parts = components(relative);
        Path current = root;
        for (int i = 0; i < parts.size(); i++) {
            boolean last = i == parts.size() - 1;
            Path next = current.resolve(parts.get(i));
            String shown = String.join("/", parts.subList(0, i + 1));
            BasicFileAttributes attrs = attributes(next);
            if (attrs != null && attrs.isSymbolicLink()) {
                throw new EscapedTreeException(
                        relative,
                        "cannot write " + describe(relative) + ": '" + shown + "' is a symbolic link to '"
                                + linkTarget(next) + "'; refusing to follow it");
            }
            if (last && !lastIsDir) {
                if (attrs != null && !attrs.isRegularFile()) {
                    throw new EscapedTreeException(
                            relative,
                            "cannot write " + describe(relative) + ": '" + shown
                                    + "' exists and is not a regular file");
                }
                return next;
            }
            if (attrs == null) {
                if (!create) {
                    return root.resolve(String.join("/", parts));
                }
                makeDirectory(next, relative, shown);
            } else if (!attrs.isDirectory()) {
                throw new EscapedTreeException(
                        relative, "cannot write " + describe(relative) + ": '" + shown + "' is not a directory");
            }
            current = next;
        }
        return current;
    }

    private void makeDirectory(Path dir, String relative, String shown) {
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            // appeared meanwhile: accept it only if it is a real directory
            BasicFileAttributes again = attributes(dir);
            if (again == null || !again.isDirectory() || again.isSymbolicLink()) {
                throw new EscapedTreeException(
                        relative,
                        "cannot write " + describe(relative) + ": '" + shown + "' appeared and is not a directory",
                        e);
            }
        } catch (IOException e) {
            throw new EscapedTreeException(
                    relative, "cannot create directory '" + shown + "' under " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * The normalized components of {@code relative}: empty and {@code .} components dropped,
     * {@code ..} taking one back (refused at the root). Absolute paths are refused.
     */
    private List<String> components(String relative) {
        if (relative == null) {
            throw new IllegalArgumentException("relative path is null");
        }
        if (relative.startsWith("/")) {
            throw new EscapedTreeException(
                    relative, "path '" + relative + "' is absolute; expected a path inside " + root);
        }
        List<String> parts = new ArrayList<>();
        for (String part : relative.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    throw new EscapedTreeException(
                            relative, "path '" + relative + "' leaves " + root + " through '..'");
                }
                parts.remove(parts.size() - 1);
                continue;
            }
            if (part.indexOf('\0') >= 0) {
                throw new EscapedTreeException(
                        relative, "path '" + relative.replace("\0", "\\0") + "' contains a NUL character");
            }
            parts.add(part);
        }
        return parts;
    }

    /** {@code relative} rewritten as its normal form, with its missing directories created. */
    private String createPath(String relative) {
        createDirectories(relative);
        return String.join("/", components(relative));
    }

    private String describe(String relative) {
        return "'" + relative + "' under " + root;
    }

    private static String join(String base, Path rel) {
        String r = rel.toString();
        return base.isEmpty() ? r : r.isEmpty() ? base : base + "/" + r;
    }

    private static String parentOf(String normal) {
        int slash = normal.lastIndexOf('/');
        return slash < 0 ? "" : normal.substring(0, slash);
    }

    private static String nameOf(String normal) {
        return normal.substring(normal.lastIndexOf('/') + 1);
    }

    private static @Nullable BasicFileAttributes attributes(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | InvalidPathException e) {
            throw new ContentException("cannot inspect " + path + ": " + e.getMessage(), e);
        }
    }

    private static String linkTarget(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "?";
        }
    }
}
