package dev.kiln.vuln.inventory;

import dev.kiln.vuln.version.Ecosystem;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Go modules from the build information the Go linker embeds in executables (Go 1.18+ inline-string
 * format): the buildinfo header {@code \xff Go buildinf:} (16-byte aligned) with flag bit 2 set, then the
 * Go version and the module info as varint-length strings. Reports {@code stdlib} at the toolchain version
 * and every {@code dep} (after {@code =>} replacements); the main module is reported when it has a real version.
 */
final class GoBinaryCataloger {
    private static final byte[] MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
    private static final int HEADER = 32;

    private GoBinaryCataloger() {
    }

    static List<InstalledPackage> catalog(Rootfs fs) {
        List<InstalledPackage> out = new ArrayList<>();
        for (String f : fs.files(fs::isExecutable)) {
            byte[] content = fs.read(f).orElse(null);
            if (content != null && content.length > 4 && content[0] == 0x7f && content[1] == 'E' && content[2] == 'L'
                    && content[3] == 'F') {
                out.addAll(parse(content, f));
            }
        }
        return out;
    }

    static List<InstalledPackage> parse(byte[] b, String path) {
        int at = find(b);
        if (at < 0 || at + HEADER > b.length || (b[at + 15] & 0x2) == 0) {
            return List.of(); // no build info, or the pre-1.18 pointer format
        }
        int[] pos = {at + HEADER};
        String goVersion = string(b, pos);
        String modinfo = string(b, pos);
        if (goVersion == null || modinfo == null) {
            return List.of();
        }
        if (modinfo.length() >= 33 && modinfo.charAt(modinfo.length() - 17) == '\n') {
            modinfo = modinfo.substring(16, modinfo.length() - 16); // strip the sentinels around the text
        }
        modinfo = new String(modinfo.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        List<String[]> modules = new ArrayList<>();
        for (String line : modinfo.split("\n")) {
            String[] f = line.split("\t");
            if ((f[0].equals("mod") || f[0].equals("dep")) && f.length >= 3) {
                modules.add(new String[] {f[0], f[1], f[2]});
            } else if (f[0].equals("=>") && f.length >= 3 && !modules.isEmpty()) {
                String kind = modules.get(modules.size() - 1)[0];
                modules.set(modules.size() - 1, new String[] {kind, f[1], f[2]});
            }
        }
        List<InstalledPackage> out = new ArrayList<>();
        if (goVersion.startsWith("go")) {
            String v = goVersion.substring(2).split(" ")[0];
            out.add(pkg("stdlib", v, path));
        }
        for (String[] m : modules) {
            if (m[2].equals("(devel)") || m[2].isEmpty()) {
                continue;
            }
            out.add(pkg(m[1], m[2], path));
        }
        return out;
    }

    private static InstalledPackage pkg(String module, String version, String path) {
        int slash = module.lastIndexOf('/');
        String ns = slash < 0 ? null : module.substring(0, slash);
        String name = slash < 0 ? module : module.substring(slash + 1);
        return new InstalledPackage(Ecosystem.GO, module, version, null, null, Purls.of("golang", ns, name, version),
                List.of(path), List.of());
    }

    private static int find(byte[] b) {
        for (int i = 0; i + MAGIC.length <= b.length; i += 16) {
            boolean match = true;
            for (int j = 0; j < MAGIC.length && match; j++) {
                match = b[i + j] == MAGIC[j];
            }
            if (match) {
                return i;
            }
        }
        return -1;
    }

    private static String string(byte[] b, int[] pos) {
        long len = 0;
        int shift = 0;
        while (pos[0] < b.length) {
            int x = b[pos[0]++] & 0xff;
            len |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                break;
            }
            shift += 7;
            if (shift > 35) {
                return null;
            }
        }
        if (len < 0 || pos[0] + len > b.length) {
            return null;
        }
        String s = new String(b, pos[0], (int) len, StandardCharsets.ISO_8859_1); // byte-exact for the sentinels
        pos[0] += (int) len;
        return s;
    }
}
