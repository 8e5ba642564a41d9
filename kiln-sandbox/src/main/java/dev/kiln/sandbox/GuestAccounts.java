package dev.kiln.sandbox;

import java.util.Optional;

/**
 * The accounts and groups every build sees in its {@code /etc/passwd} and {@code /etc/group}: those of
 * a conventional base layout, so that {@code install -o root}, {@code chgrp tty} or
 * {@code chown daemon:daemon} work, and so that a package can record owners by name.
 */
public final class GuestAccounts {

    /** name, uid, gid, home, shell. */
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
        {"root", "0", "root"},
        {"bin", "1", "root,bin,daemon"},
        {"daemon", "2", "root,bin,daemon"},
        {"sys", "3", "root,bin,adm"},
        {"adm", "4", "root,adm,daemon"},
        {"tty", "5", ""},
        {"disk", "6", "root,adm"},
        {"lp", "7", "lp"},
        {"kmem", "9", ""},
        {"wheel", "10", "root"},
        {"floppy", "11", "root"},
        {"mail", "12", "mail"},
        {"news", "13", "news"},
        {"uucp", "14", "uucp"},
        {"man", "15", "man"},
        {"cron", "16", "cron"},
        {"console", "17", ""},
        {"audio", "18", ""},
        {"cdrom", "19", ""},
        {"dialout", "20", "root"},
        {"ftp", "21", ""},
        {"sshd", "22", ""},
        {"input", "23", ""},
        {"at", "25", "at"},
        {"tape", "26", "root"},
        {"video", "27", "root"},
        {"netdev", "28", ""},
        {"kvm", "34", ""},
        {"games", "35", ""},
        {"shadow", "42", ""},
        {"www-data", "82", ""},
        {"users", "100", "games"},
        {"ntp", "123", ""},
        {"utmp", "406", ""},
        {"ping", "999", ""},
        {"nonroot", "65532", ""},
        {"nogroup", "65533", ""},
        {"nobody", "65534", ""},
    };

    private GuestAccounts() {}

    /** {@code /etc/passwd} for a build running as {@code uid}:{@code gid} ("build" names an id not listed). */
    public static String passwd(int uid, int gid) {
        StringBuilder passwd = new StringBuilder();
        for (String[] u : USERS) {
            passwd.append(u[0])
                    .append(":x:")
                    .append(u[1])
                    .append(':')
                    .append(u[2])
                    .append(':')
                    .append(u[0])
                    .append(':')
                    .append(u[3])
                    .append(':')
                    .append(u[4])
                    .append('\n');
        }
        if (userName(uid).isEmpty()) {
            passwd.append("build:x:").append(uid).append(':').append(gid).append(":build:/home/build:/bin/sh\n");
        }
        return passwd.toString();
    }

    /** {@code /etc/group} for a build running with group {@code gid}. */
    public static String group(int gid) {
        StringBuilder group = new StringBuilder();
        for (String[] g : GROUPS) {
            group.append(g[0])
                    .append(":x:")
                    .append(g[1])
                    .append(':')
                    .append(g[2])
                    .append('\n');
        }
        if (groupName(gid).isEmpty()) {
            group.append("build:x:").append(gid).append(":\n");
        }
        return group.toString();
    }

    /** The name of guest uid {@code uid}, if the guest has such an account. */
    public static Optional<String> userName(int uid) {
        return find(USERS, uid);
    }

    /** The name of guest gid {@code gid}, if the guest has such a group. */
    public static Optional<String> groupName(int gid) {
        return find(GROUPS, gid);
    }

    private static Optional<String> find(String[][] table, int id) {
        String key = Integer.toString(id);
        for (String[] row : table) {
            if (row[1].equals(key)) {
                return Optional.of(row[0]);
            }
        }
        return Optional.empty();
    }
}
