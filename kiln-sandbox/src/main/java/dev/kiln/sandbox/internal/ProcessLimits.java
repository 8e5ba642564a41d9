package dev.kiln.sandbox.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process ceiling the launcher can actually set: never above this process's own hard limit. */
public final class ProcessLimits {

    private ProcessLimits() {}

    /** This JVM's hard limit; it cannot rise while the process lives, so it is read once. */
    private static final long HARD_MAX_PROCESSES = hardMaxProcesses(Path.of("/proc/self/limits"));

    public static int clampMaxProcesses(int wanted) {
        return (int) Math.min(wanted, HARD_MAX_PROCESSES);
    }

    /** The hard "Max processes" of {@code limits} (a /proc/PID/limits file); unlimited when unreadable. */
    static long hardMaxProcesses(Path limits) {
        try {
            for (String line : Files.readAllLines(limits)) {
                if (line.startsWith("Max processes")) {
                    String[] f = line.substring("Max processes".length()).trim().split("\\s+");
                    return f.length > 1 && !f[1].equals("unlimited") ? Long.parseLong(f[1]) : Long.MAX_VALUE;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Without the figure, ask for what was wanted; the launcher reports a refusal.
        }
        return Long.MAX_VALUE;
    }
}
