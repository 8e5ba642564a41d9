package dev.kiln.sandbox.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The sandbox's own account and name-service files, so that the host's users never leak in and
 * tools that look up the current uid (whoami, some configure scripts, ssh-less git) find it.
 */
public final class GeneratedEtc {

    public static final List<String> FILES = List.of("passwd", "group", "hosts", "nsswitch.conf", "hostname");

    private GeneratedEtc() {}

    public static void write(Path dir, int uid, int gid) throws IOException {
        StringBuilder passwd = new StringBuilder("root:x:0:0:root:/root:/bin/sh\n");
        if (uid != 0 && uid != 65534) {
            passwd.append("build:x:").append(uid).append(':').append(gid).append(":build:/home/build:/bin/sh\n");
        }
        passwd.append("nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
        StringBuilder group = new StringBuilder("root:x:0:\n");
        if (gid != 0 && gid != 65534) {
            group.append("build:x:").append(gid).append(":\n");
        }
        group.append("nogroup:x:65534:\n");
        write(dir, "passwd", passwd.toString());
        write(dir, "group", group.toString());
        write(dir, "hosts", "127.0.0.1\tlocalhost kiln\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        write(dir, "nsswitch.conf", "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n");
        write(dir, "hostname", "kiln\n");
    }

    private static void write(Path dir, String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }
}
