package dev.kiln.sandbox.internal;

import dev.kiln.sandbox.IdentityMap;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Objects;

/**
 * Hands a tree Kiln wrote (as host root) to the build's identity before a run: every entry owned by an
 * id outside the build's range becomes guest root's, so the build, which is an unprivileged host uid,
 * can use its own workspace. Entries the build already owns (guest {@code chown}s) are left as they
 * are. Symbolic links are changed themselves ({@code lchown}), never followed.
 */
public final class WorkspaceOwnership {

    private WorkspaceOwnership() {}

    public static void hand(Path root, IdentityMap identity) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                adopt(dir, identity);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                adopt(file, identity);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void adopt(Path p, IdentityMap identity) throws IOException {
        Map<String, Object> ids = Files.readAttributes(p, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
        if (identity.guestUidOf((Integer) Objects.requireNonNull(ids.get("uid"), "unix:uid")) < 0) {
            Files.setAttribute(p, "unix:uid", identity.hostUid(), LinkOption.NOFOLLOW_LINKS);
        }
        if (identity.guestGidOf((Integer) Objects.requireNonNull(ids.get("gid"), "unix:gid")) < 0) {
            Files.setAttribute(p, "unix:gid", identity.hostGid(), LinkOption.NOFOLLOW_LINKS);
        }
    }
}
