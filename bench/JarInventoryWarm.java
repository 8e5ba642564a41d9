import dev.kiln.vuln.inventory.Inventories;
import dev.kiln.vuln.inventory.Inventory;
import dev.kiln.vuln.inventory.Rootfs;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Warm inventory of a tree of Java archives in one JVM: three warm-up rounds, then the median of ten.
 * Run: java -cp kiln-cli/target/kiln.jar bench/JarInventoryWarm.java DIR (for example a copy of 600 jars
 * from ~/.m2/repository under DIR/opt/lib).
 */
public class JarInventoryWarm {
    public static void main(String[] args) {
        Rootfs fs = Rootfs.ofDirectory(Path.of(args[0]));
        long[] t = new long[10];
        int packages = 0;
        for (int i = -3; i < t.length; i++) {
            long t0 = System.nanoTime();
            Inventory inv = Inventories.of(fs);
            long t1 = System.nanoTime();
            packages = inv.packages().size();
            if (i >= 0) {
                t[i] = t1 - t0;
            }
        }
        Arrays.sort(t);
        System.out.printf("warm median: inventory %d ms (%d packages)%n", t[t.length / 2] / 1_000_000, packages);
    }
}
