import dev.kiln.server.state.Records;
import dev.kiln.server.state.StateStore;
import dev.kiln.server.web.CatalogServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The web catalog's latency with a big record: 1,000 images (two publications each, 40 packages, an
 * SBOM) and 10,000 builds generated into a fresh SQLite state store, then the catalog page, an image
 * page and a package page each fetched 300 times over loopback after 100 warm-ups; prints p50 and p99.
 * Goal (issue 14): catalog and image page p99 under 50 ms.
 * Run: java -cp kiln-cli/target/kiln.jar bench/CatalogPages.java [DIR]
 */
public class CatalogPages {
    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("kiln-bench-catalog");
        Path db = dir.resolve("kiln.db");
        Files.deleteIfExists(db);
        Random random = new Random(14);
        long t0 = System.nanoTime();
        try (StateStore state = StateStore.open("jdbc:sqlite:" + db.toAbsolutePath(), Clock.systemUTC())) {
            long run = state.startRun("bench");
            String sbom = "{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[" + "{\"name\":\"p\"},".repeat(40) + "{}]}";
            for (int i = 0; i < 1000; i++) {
                for (int version = 0; version < 2; version++) {
                    List<Records.ImagePackage> packages = new ArrayList<>();
                    for (int p = 0; p < 40; p++) {
                        packages.add(new Records.ImagePackage("pkg-" + ((i + p) % 1500), "1." + version + "-r0", "MIT", "pkg"));
                    }
                    String digest = String.format("sha256:%064x", i * 2L + version);
                    state.recordImage(run, String.format("img-%04d", i), "127.0.0.1:5000/kiln/img-" + i + ":latest", digest,
                            true, true, new Records.ImageContents(1_000_000L + random.nextInt(50_000_000), packages,
                                    List.of(new Records.Document(Records.Document.SPDX, "application/json", sbom))));
                }
            }
            for (int b = 0; b < 10_000; b++) {
                String name = "pkg-" + (b % 1500);
                state.recordBuild(run, "recipes/" + name + ".yaml", name, null, Instant.ofEpochSecond(1_700_000_000L + b),
                        random.nextInt(600_000), b % 17 == 0 ? Records.BuildResult.FAILED : Records.BuildResult.SUCCEEDED,
                        List.of(name + "-1." + b + "-r0"), null, b % 17 == 0 ? "step 3 failed" : null);
            }
            state.finishRun(run, Records.RunStatus.SUCCEEDED, "bench data");
            System.out.printf("generated 2,000 publications and 10,000 builds in %.1f s%n", (System.nanoTime() - t0) / 1e9);

            try (CatalogServer web = new CatalogServer(state, new dev.kiln.server.RecentEvents(1), dir.resolve("logs"), Clock.systemUTC()).start("127.0.0.1", 0)) {
                HttpClient http = HttpClient.newHttpClient();
                for (String page : List.of("", "?sort=size&q=img-0", "images/img-0500", "packages/pkg-700", "api/images")) {
                    URI uri = URI.create(web.url() + page);
                    long[] times = new long[300];
                    int bytes = 0;
                    for (int i = -100; i < times.length; i++) {
                        long s = System.nanoTime();
                        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
                        long t = System.nanoTime() - s;
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException(uri + " answered " + r.statusCode());
                        }
                        bytes = r.body().length;
                        if (i >= 0) {
                            times[i] = t;
                        }
                    }
                    Arrays.sort(times);
                    System.out.printf("/%-22s %8d bytes  p50 %6.1f ms  p99 %6.1f ms%n", page, bytes, times[150] / 1e6,
                            times[296] / 1e6);
                }
            }
        }
    }
}
