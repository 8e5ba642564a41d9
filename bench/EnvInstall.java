import dev.kiln.apk.ApkInput;
import dev.kiln.apk.ApkRepository;
import dev.kiln.apk.ApkWriter;
import dev.kiln.apk.PkgInfo;
import dev.kiln.apk.ApkSigningKey;
import dev.kiln.cli.Kiln;
import dev.kiln.content.FileTrees;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/**
 * Hermetic build environments, cold and cached: `kiln build --hermetic` of a one-step recipe whose
 * environment is a static busybox plus a package made of a compiler-sized host tree (DIR, e.g. /usr/lib/gcc),
 * run in one JVM. Cold runs empty CACHE/environments first, so they resolve, verify, install and link;
 * cached runs only resolve and link the private copy. The difference of the medians is the install itself.
 * With REPO and KEY (the toolchain bootstrap's stage-1 repository and its public key), the environment is the
 * real {@code build-base} and {@code busybox} from there instead, and the packages it resolved are copied to
 * WORK/apks for the tar floor.
 * Run: java -cp kiln-cli/target/kiln.jar bench/EnvInstall.java WORK DIR [RUNS [REPO KEY]]
 */
public class EnvInstall {
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Path tree = Path.of(args[1]);
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Path realRepo = args.length > 4 ? Path.of(args[3]) : null;
        Path realKey = args.length > 4 ? Path.of(args[4]) : null;
        FileTrees.delete(work);
        Files.createDirectories(work);
        ApkSigningKey key = ApkSigningKey.generate(2048, "bench.rsa");
        Path keyFile = work.resolve("bench.rsa");
        key.writePem(keyFile, work.resolve("bench.rsa.pub"));

        Path bb = Files.createDirectories(work.resolve("src/busybox/usr/bin"));
        Files.copy(Path.of("/bin/busybox"), bb.resolve("busybox"));
        for (String applet : List.of("sh", "mkdir", "echo", "cat", "ls", "test")) {
            Files.createSymbolicLink(bb.resolve(applet), Path.of("busybox"));
        }
        Files.createSymbolicLink(work.resolve("src/busybox/bin"), Path.of("usr/bin"));
        Path big = Files.createDirectories(work.resolve("src/toolchain/usr/lib"));
        FileTrees.copy(tree, big.resolve(tree.getFileName().toString()));
        Path staging = Files.createDirectories(work.resolve("apks"));
        List<Path> apks = new ArrayList<>();
        for (String name : List.of("busybox", "toolchain")) {
            PkgInfo info = PkgInfo.builder().name(name).version("1.0-r0").arch("x86_64").origin(name)
                    .description(name).url("").license("MIT").build();
            Path out = staging.resolve(name + "-1.0-r0.apk");
            new ApkWriter().write(ApkInput.of(info, work.resolve("src/" + name), 0), key, out);
            apks.add(out);
        }
        Path repo = work.resolve("repo");
        new ApkRepository(repo).publish("x86_64", apks, key, 0);
        String environment = "busybox\n      - toolchain";
        List<String> trust = new ArrayList<>();
        if (realRepo != null) {
            repo = realRepo;
            environment = "busybox\n      - build-base";
            trust = List.of("--keyring-append", realKey.toString());
        }
        Path recipe = work.resolve("probe.yaml");
        Files.writeString(recipe, """
                package:
                  name: probe
                  version: "1.0"
                  epoch: 0
                  description: probe
                  copyright:
                    - license: MIT
                environment:
                  contents:
                    packages:
                      - %s
                pipeline:
                  - runs: mkdir -p ${{targets.destdir}}/usr/share/probe && echo ok > ${{targets.destdir}}/usr/share/probe/ok
                """.formatted(environment));
        long[] cold = new long[runs];
        long[] cached = new long[runs];
        for (int i = -2; i < runs; i++) {
            FileTrees.delete(work.resolve("cache/environments"));
            long c = build(work, recipe, repo, keyFile, trust);
            long w = build(work, recipe, repo, keyFile, trust);
            if (i >= 0) {
                cold[i] = c;
                cached[i] = w;
            }
        }
        // The cached install alone: the private copy a build gets (a hard-link farm, as for a root-run Kiln),
        // of the environment the runs above cached, and its removal.
        Path cachedEnv;
        try (var entries = Files.list(work.resolve("cache/environments"))) {
            cachedEnv = entries.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        if (realRepo != null) { // the tar floor extracts exactly the packages the environment installed
            FileTrees.delete(staging);
            Files.createDirectories(staging);
            String name = null;
            for (String line : Files.readAllLines(cachedEnv.resolve("lib/apk/db/installed"))) {
                if (line.startsWith("P:")) {
                    name = line.substring(2);
                } else if (line.startsWith("V:")) {
                    String file = name + "-" + line.substring(2) + ".apk";
                    Files.copy(realRepo.resolve("x86_64").resolve(file), staging.resolve(file));
                }
            }
        }
        long[] farm = new long[runs];
        long[] remove = new long[runs];
        for (int i = -2; i < runs; i++) {
            Path copy = work.resolve("farm");
            long t0 = System.nanoTime();
            FileTrees.linkFarm(cachedEnv, copy, true, 100000, 100000);
            long t1 = System.nanoTime();
            FileTrees.delete(copy);
            long t2 = System.nanoTime();
            if (i >= 0) {
                farm[i] = t1 - t0;
                remove[i] = t2 - t1;
            }
        }
        long coldMedian = median(cold);
        long cachedMedian = median(cached);
        System.out.printf("| cold environment, whole build (median of %d) | %.3f s |%n", runs, coldMedian / 1e9);
        System.out.printf("| cached environment, whole build (median of %d) | %.3f s |%n", runs, cachedMedian / 1e9);
        System.out.printf("| install from packages (difference) | %.3f s |%n", (coldMedian - cachedMedian) / 1e9);
        System.out.printf("| private copy from the cache (hard-link farm, median of %d) | %.3f s |%n", runs, median(farm) / 1e9);
        System.out.printf("| removing that copy (median of %d) | %.3f s |%n", runs, median(remove) / 1e9);
    }

    private static long build(Path work, Path recipe, Path repo, Path keyFile, List<String> trust)
            throws java.io.IOException {
        FileTrees.delete(work.resolve("out"));
        CommandLine cli = Kiln.newCommandLine();
        cli.setOut(new PrintWriter(OutputStream.nullOutputStream()));
        cli.setErr(new PrintWriter(OutputStream.nullOutputStream()));
        List<String> args = new ArrayList<>(List.of("build", recipe.toString(), "--hermetic", "--repository-append",
                repo.toString(), "--signing-key", keyFile.toString(), "--out-dir", work.resolve("out").toString(),
                "--state-dir", work.resolve("state").toString(), "--cache-dir", work.resolve("cache").toString(),
                "--offline"));
        args.addAll(trust);
        long t0 = System.nanoTime();
        int rc = cli.execute(args.toArray(String[]::new));
        long t = System.nanoTime() - t0;
        if (rc != 0) {
            throw new IllegalStateException("kiln build exited " + rc + "; see " + work.resolve("state/logs"));
        }
        return t;
    }

    private static long median(long[] times) {
        long[] sorted = times.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
