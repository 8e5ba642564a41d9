package dev.kiln.sandbox.internal;

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

    /** name, uid, gid, home, shell: the accounts of a conventional (Alpine/Wolfi-style) base layout. */
    private static final String[][] USERS = {
        {"root", "0", "0", "/root", "/bin/sh"},
        {"bin", "1", "1", "/bin", "/sbin/nologin"},
        {"daemon", "2", "2", "/sbin", "/sbin/nologin"},
        {"adm", "3", "4", "/var/adm", "/sbin/nologin"},
        {"lp", "4", "7", "/var/spool/lpd", "/sbin/nologin"},
        {"sync", "5", "0", "/sbin", "/bin/sync"},
        {"shutdown", "6", "0", "/sbin", "/sbin/shutdown"},
        {"halt", "7", "0", "/sbin", "/sbin/halt"},
        {"mail", "8", "12", "/var/mail", "/sbin/nologin"},
        {"news", "9", "13", "/usr/lib/news", "/sbin/nologin"},
        {"uucp", "10", "14", "/var/spool/uucppublic", "/sbin/nologin"},
        {"operator", "11", "0", "/root", "/sbin/nologin"},
        {"man", "13", "15", "/usr/man", "/sbin/nologin"},
        {"postmaster", "14", "12", "/var/mail", "/sbin/nologin"},
        {"cron", "16", "16", "/var/spool/cron", "/sbin/nologin"},
        {"ftp", "21", "21", "/var/lib/ftp", "/sbin/nologin"},
        {"sshd", "22", "22", "/dev/null", "/sbin/nologin"},
        {"at", "25", "25", "/var/spool/cron/atjobs", "/sbin/nologin"},
        {"games", "35", "35", "/usr/games", "/sbin/nologin"},
        {"ntp", "123", "123", "/var/empty", "/sbin/nologin"},
        {"nonroot", "65532", "65532", "/home/nonroot", "/sbin/nologin"},
        {"nobody", "65534", "65534", "/", "/sbin/nologin"},
    };

    /** name, gid, members. */
    private static final String[][] GROUPS = {
        {"root", "0", "root"}, {"bin", "1", "root,bin,daemon"}, {"daemon", "2", "root,bin,daemon"},
        {"sys", "3", "root,bin,adm"}, {"adm", "4", "root,adm,daemon"}, {"tty", "5", ""}, {"disk", "6", "root,adm"},
        {"lp", "7", "lp"}, {"kmem", "9", ""}, {"wheel", "10", "root"}, {"floppy", "11", "root"},
        {"mail", "12", "mail"}, {"news", "13", "news"}, {"uucp", "14", "uucp"}, {"man", "15", "man"},
        {"cron", "16", "cron"}, {"console", "17", ""}, {"audio", "18", ""}, {"cdrom", "19", ""},
        {"dialout", "20", "root"}, {"ftp", "21", ""}, {"sshd", "22", ""}, {"input", "23", ""}, {"at", "25", "at"},
        {"tape", "26", "root"}, {"video", "27", "root"}, {"netdev", "28", ""}, {"kvm", "34", ""},
        {"games", "35", ""}, {"shadow", "42", ""}, {"www-data", "82", ""}, {"users", "100", "games"},
        {"ntp", "123", ""}, {"utmp", "406", ""}, {"ping", "999", ""}, {"nonroot", "65532", ""},
        {"nogroup", "65533", ""}, {"nobody", "65534", ""},
    };

    private GeneratedEtc() {}

    public static void write(Path dir, int uid, int gid) throws IOException {
        StringBuilder passwd = new StringBuilder();
        boolean uidKnown = false;
        for (String[] u : USERS) {
            passwd.append(u[0]).append(":x:").append(u[1]).append(':').append(u[2]).append(':').append(u[0])
                    .append(':').append(u[3]).append(':').append(u[4]).append('\n');
            uidKnown |= u[1].equals(Integer.toString(uid));
        }
        if (!uidKnown) {
            passwd.append("build:x:").append(uid).append(':').append(gid).append(":build:/home/build:/bin/sh\n");
        }
        StringBuilder group = new StringBuilder();
        boolean gidKnown = false;
        for (String[] g : GROUPS) {
            group.append(g[0]).append(":x:").append(g[1]).append(':').append(g[2]).append('\n');
            gidKnown |= g[1].equals(Integer.toString(gid));
        }
        if (!gidKnown) {
            group.append("build:x:").append(gid).append(":\n");
        }
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
