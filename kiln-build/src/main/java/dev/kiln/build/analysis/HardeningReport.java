package dev.kiln.build.analysis;

import java.util.List;

/** The hardening check's verdict on every ELF executable and shared object of a package. */
public record HardeningReport(List<ElfHardening> files) {

    public HardeningReport {
        files = List.copyOf(files);
    }

    public boolean passed() {
        return files.stream().allMatch(ElfHardening::passed);
    }

    public List<ElfHardening> failed() {
        return files.stream().filter(f -> !f.passed()).toList();
    }

    /** A fixed-width table, one row per file, then one line per failure. */
    public String render() {
        String[] header = {"FILE", "PIE", "RELRO", "BIND_NOW", "NX", "CANARY", "FORTIFY", "CET"};
        int width = header[0].length();
        for (ElfHardening f : files) {
            width = Math.max(width, f.path().length());
        }
        StringBuilder out = new StringBuilder();
        String format = "%-" + width + "s  %-6s %-5s %-8s %-3s %-6s %-7s %s%n";
        out.append(String.format(format, (Object[]) header));
        for (ElfHardening f : files) {
            out.append(String.format(
                    format,
                    f.path(),
                    f.isStatic() && !f.pie() ? "static" : yes(f.pie()),
                    yes(f.relro()),
                    yes(f.bindNow()),
                    yes(f.nxStack()),
                    yes(f.canary()),
                    yes(f.fortify()),
                    yes(f.cet())));
        }
        for (ElfHardening f : files) {
            for (String failure : f.failures()) {
                out.append("FAIL ")
                        .append(f.path())
                        .append(": ")
                        .append(failure)
                        .append('\n');
            }
        }
        return out.toString();
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }
}
