import dev.kiln.vuln.AdvisoryStore;
import dev.kiln.vuln.inventory.Inventories;
import dev.kiln.vuln.inventory.Inventory;
import dev.kiln.vuln.inventory.Rootfs;
import dev.kiln.vuln.match.DistroFeed;
import dev.kiln.vuln.match.Matcher;
import dev.kiln.vuln.match.OsvIndex;
import dev.kiln.vuln.match.ScanReport;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

/**
 * Warm figures in one JVM: load the advisory store, then inventory and match the rootfs, ten times after five
 * warm-up rounds; prints the median of each phase. Run: java -cp kiln-cli/target/kiln.jar bench/ScanWarm.java CORPUS ROOTFS
 */
public class ScanWarm {
    public static void main(String[] args) {
        Path corpus = Path.of(args[0]);
        Path rootfs = Path.of(args[1]);
        long[] load = new long[10];
        long[] scan = new long[10];
        int findings = 0;
        for (int i = -5; i < 10; i++) {
            long t0 = System.nanoTime();
            DistroFeed feed = DistroFeed.of(AdvisoryStore.load(corpus, Clock.systemUTC()));
            long t1 = System.nanoTime();
            Inventory inv = Inventories.of(Rootfs.ofDirectory(rootfs));
            ScanReport r = new Matcher(feed, OsvIndex.empty(), List.of()).scan("bench", inv, List.of(), null);
            long t2 = System.nanoTime();
            findings = r.findings().size();
            if (i >= 0) {
                load[i] = t1 - t0;
                scan[i] = t2 - t1;
            }
        }
        Arrays.sort(load);
        Arrays.sort(scan);
        System.out.printf("warm median: store load %d ms, inventory+match %d ms (%d findings)%n", load[5] / 1_000_000,
                scan[5] / 1_000_000, findings);
    }
}
