package dev.kiln.build;

import dev.kiln.recipe.SetCap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Encodes a recipe's {@code setcap} entries as the {@code security.capability} extended
 * attribute the kernel reads (struct vfs_cap_data, revision 2, little endian), so packages
 * carry file capabilities without the build ever running as root.
 */
final class FileCapabilities {
    static final String XATTR = "security.capability";
    private static final int VFS_CAP_REVISION_2 = 0x02000000;
    private static final int VFS_CAP_FLAGS_EFFECTIVE = 0x000001;

    /** The capabilities melange allows in packages, with their kernel numbers. */
    private static final Map<String, Integer> ALLOWED =
            Map.of("net_bind_service", 10, "net_admin", 12, "net_raw", 13, "ipc_lock", 14, "sys_admin", 21);

    private FileCapabilities() {}

    /** Package-relative path → xattr name → value, for every setcap entry. */
    static Map<String, Map<String, byte[]>> xattrs(String packageName, List<SetCap> entries) {
        Map<String, Map<String, byte[]>> out = new TreeMap<>();
        for (SetCap entry : entries) {
            String path = entry.path().replaceFirst("^/+", "");
            out.put(path, Map.of(XATTR, encode(packageName, entry)));
        }
        return out;
    }

    static byte[] encode(String packageName, SetCap entry) {
        long permitted = 0;
        long inheritable = 0;
        boolean effective = false;
        for (Map.Entry<String, String> add : new LinkedHashMap<>(entry.add()).entrySet()) {
            long bits = 0;
            for (String cap : add.getKey().split(",")) {
                String name = cap.trim().toLowerCase(Locale.ROOT).replaceFirst("^cap_", "");
                Integer number = ALLOWED.get(name);
                if (number == null) {
                    throw new BuildException(
                            "package " + packageName,
                            "setcap " + entry.path() + ": capability '" + cap.trim()
                                    + "' is not allowed; expected one of " + new TreeMap<>(ALLOWED).keySet(),
                            null);
                }
                bits |= 1L << number;
            }
            String flags = add.getValue().toLowerCase(Locale.ROOT);
            if (!flags.matches("[eip]+")) {
                throw new BuildException(
                        "package " + packageName,
                        "setcap " + entry.path() + ": flags must be letters of 'eip', got '" + add.getValue() + "'",
                        null);
            }
            if (flags.contains("p")) {
                permitted |= bits;
            }
            if (flags.contains("i")) {
                inheritable |= bits;
            }
            effective |= flags.contains("e");
        }
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(VFS_CAP_REVISION_2 | (effective ? VFS_CAP_FLAGS_EFFECTIVE : 0));
        b.putInt((int) permitted).putInt((int) inheritable);
        b.putInt((int) (permitted >>> 32)).putInt((int) (inheritable >>> 32));
        return b.array();
    }
}
