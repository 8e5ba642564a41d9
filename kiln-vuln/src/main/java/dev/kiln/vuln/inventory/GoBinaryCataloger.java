package dev.kiln.vuln.inventory;

import dev.kiln.vuln.version.Ecosystem;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Go modules from the build information the Go linker embeds in executables: the buildinfo header
 * {@code \xff Go buildinf:} (16-byte aligned), its pointer size at byte 14 and flags at byte 15. Go 1.18+
 * sets flag bit 2 and follows the header with the Go version and the module info as varint-length strings;
 * older linkers clear it and put two pointers after the magic and pointer size (at byte 16), each to a Go
 * string header (data pointer, length) for the version and the module info, as virtual addresses that the
 * ELF load segments map to file offsets (flag bit 1 says the pointers are big-endian). Reports {@code stdlib} at the toolchain version
 * and every {@code dep} (after {@code =>} replacements); the main module is reported when it has a real version.
 */
final class GoBinaryCataloger {
    private static final byte[] MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
    private static final int HEADER = 32;

    private GoBinaryCataloger() {}

    static List<InventoryPackage> catalog(Rootfs fs) {
        List<InventoryPackage> out = new ArrayList<>();
        for (String f : fs.files(fs::isExecutable)) {
            byte[] content = fs.read(f).orElse(null);
            if (content != null
                    && content.length > 4
                    && content[0] == 0x7f
                    && content[1] == 'E'
                    && content[2] == 'L'
                    && content[3] == 'F') {
                out.addAll(parse(content, f));
            }
        }
        return out;
    }

    static List<InventoryPackage> parse(byte[] b, String path) {
        int at = find(b);
        if (at < 0 || at + HEADER > b.length) {
            return List.of(); // no build info
        }
        String goVersion;
        String modinfo;
        if ((b[at + 15] & 0x2) != 0) {
            int[] pos = {at + HEADER};
            goVersion = string(b, pos);
            modinfo = string(b, pos);
        } else {
            int size = b[at + 14];
            boolean bigEndian = (b[at + 15] & 0x1) != 0;
            if (size != 4 && size != 8) {
                return List.of();
            }
            Elf elf = new Elf(b, size, bigEndian);
            goVersion = elf.goString(elf.word(at + 16));
            modinfo = elf.goString(elf.word(at + 16 + size));
        }
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
        List<InventoryPackage> out = new ArrayList<>();
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

    private static InventoryPackage pkg(String module, String version, String path) {
        int slash = module.lastIndexOf('/');
        String ns = slash < 0 ? null : module.substring(0, slash);
        String name = slash < 0 ? module : module.substring(slash + 1);
        return new InventoryPackage(
                Ecosystem.GO,
                module,
                version,
                module, // a language package is its own origin
                null,
                Purls.of("golang", ns, name, version),
                List.of(path),
                List.of());
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

    /** Just enough ELF to follow the pre-1.18 buildinfo pointers: words and PT_LOAD address translation. */
    // bytes carried as they are; nothing compares these records with equals (arrays compare by identity)
    @SuppressWarnings("ArrayRecordComponent")
    private record Elf(byte[] b, int size, boolean bigEndian) {
        private static final int PT_LOAD = 1;

        long word(long off) {
            return read(off, size);
        }

        long read(long off, int n) {
            if (off < 0 || off + n > b.length) {
                return -1;
            }
            long v = 0;
            for (int i = 0; i < n; i++) {
                int x = b[(int) off + (bigEndian ? i : n - 1 - i)] & 0xff;
                v = (v << 8) | x;
            }
            return v;
        }

        /** The file offset of virtual address {@code addr}, or -1 when no load segment holds it. */
        long offset(long addr) {
            boolean is64 = b[4] == 2;
            boolean be = b[5] == 2;
            Elf hdr = new Elf(b, is64 ? 8 : 4, be);
            long phoff = hdr.read(is64 ? 0x20 : 0x1c, is64 ? 8 : 4);
            long entSize = hdr.read(is64 ? 0x36 : 0x2a, 2);
            long count = hdr.read(is64 ? 0x38 : 0x2c, 2);
            for (long i = 0; i < count && phoff >= 0; i++) {
                long ph = phoff + i * entSize;
                if (hdr.read(ph, 4) != PT_LOAD) {
                    continue;
                }
                long off = is64 ? hdr.read(ph + 8, 8) : hdr.read(ph + 4, 4);
                long vaddr = is64 ? hdr.read(ph + 16, 8) : hdr.read(ph + 8, 4);
                long filesz = is64 ? hdr.read(ph + 32, 8) : hdr.read(ph + 16, 4);
                if (addr >= vaddr && addr < vaddr + filesz) {
                    return off + (addr - vaddr);
                }
            }
            return -1;
        }

        /** The Go string whose header (data pointer, length) is at virtual address {@code addr}. */
        @Nullable
        String goString(long addr) {
            long header = offset(addr);
            long data = offset(word(header));
            long len = word(header + size);
            if (header < 0 || data < 0 || len < 0 || data + len > b.length) {
                return null;
            }
            return new String(b, (int) data, (int) len, StandardCharsets.ISO_8859_1);
        }
    }

    private static @Nullable String string(byte[] b, int[] pos) {
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
