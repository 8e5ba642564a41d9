package dev.kiln.sandbox.internal;

import dev.kiln.sandbox.GuestAccounts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The sandbox's own account and name-service files, so that the host's users never leak in, and
 * so that what build systems expect of a Linux system is there: the usual system accounts and
 * groups ({@code install -o root}, {@code chgrp tty}, {@code chown daemon:daemon}), the current uid
 * resolvable by name (whoami, configure scripts, git), and localhost.
 */
public final class GeneratedEtc {

    public static final List<String> FILES = List.of("passwd", "group", "hosts", "nsswitch.conf", "hostname");

    private GeneratedEtc() {}

    public static void write(Path dir, int uid, int gid) throws IOException {
        write(dir, "passwd", GuestAccounts.passwd(uid, gid));
        write(dir, "group", GuestAccounts.group(gid));
        write(dir, "hosts", "127.0.0.1\tlocalhost kiln\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        write(dir, "nsswitch.conf", "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n");
        write(dir, "hostname", "kiln\n");
    }

    private static void write(Path dir, String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }
}
