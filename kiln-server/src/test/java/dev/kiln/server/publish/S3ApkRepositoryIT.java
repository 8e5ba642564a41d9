package dev.kiln.server.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.apk.ApkIndex;
import dev.kiln.apk.ApkRepository;
import dev.kiln.apk.ApkSigningKey;
import dev.kiln.apk.IndexEntry;
import dev.kiln.apk.LocalRepositories;
import dev.kiln.apk.RepositoryPackage;
import dev.kiln.apk.TrustedKeys;
import dev.kiln.objects.S3Location;
import dev.kiln.objects.S3Objects;
import dev.kiln.testkit.S3ProxyProcess;
import dev.kiln.testkit.TestPackages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing to an APK repository in S3 (S3Proxy on 127.0.0.1) from several publishers at once. */
class S3ApkRepositoryIT {
    static final String ARCH = "x86_64";

    @TempDir
    static Path tmp;

    static S3ProxyProcess s3;
    static ApkSigningKey key;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3ProxyProcess.start(tmp.resolve("s3proxy"));
        key = ApkSigningKey.generate(2048, "kiln-test.rsa");
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
    }

    S3ApkRepository open(String prefix, String publisher) throws Exception {
        // atomic conditional writes, as S3 has them: S3Proxy alone lets racing If-Match writers all win
        return S3ApkRepository.open(
                S3Location.parse(s3.bucket("packages", prefix)), s3.atomicEnvironment(), dir.resolve(publisher));
    }

    Path apk(String name, String version, String content) throws Exception {
        Path out = Files.createDirectories(dir.resolve("built-" + name + "-" + content.hashCode()));
        return TestPackages.apk(name, version)
                .arch(ARCH)
                .file("usr/share/" + name + "/data", content, 0644)
                .write(out, key);
    }

    /** The index as a client gets it, verified with the publishers' key. */
    ApkIndex published(String prefix) throws Exception {
        Path file = dir.resolve("fetched-" + prefix + "-" + ApkRepository.INDEX_FILE);
        try (S3Objects objects = S3Objects.open(S3Location.parse(s3.bucket("packages", prefix)), s3.environment())) {
            Files.write(
                    file,
                    objects.get(ARCH + "/" + ApkRepository.INDEX_FILE)
                            .orElseThrow()
                            .bytes());
        }
        return ApkIndex.read(file, TrustedKeys.of(key));
    }

    static List<String> names(ApkIndex index) {
        return index.entries().stream().map(IndexEntry::name).sorted().toList();
    }

    @Test
    void racingPublishersKeepEachOthersPackages() throws Exception {
        int rounds = 6;
        List<Callable<Integer>> publishers = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (String who : List.of("left", "right")) {
            List<Path> apks = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                apks.add(apk(who + "-" + i, "1.0.0-r0", who + " " + i));
                expected.add(who + "-" + i);
            }
            publishers.add(() -> {
                int attempts = 0;
                try (S3ApkRepository repo = open("race", who)) {
                    for (Path apk : apks) {
                        attempts += repo.publish(ARCH, List.of(apk), key, 0).attempts();
                    }
                }
                return attempts;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (Future<Integer> f : pool.invokeAll(publishers)) {
                assertThat(f.get()).isGreaterThanOrEqualTo(rounds);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(names(published("race"))).containsExactlyInAnyOrderElementsOf(expected);
        try (S3Objects objects = S3Objects.open(S3Location.parse(s3.bucket("packages", "race")), s3.environment())) {
            for (String name : expected) {
                assertThat(objects.head(ARCH + "/" + name + "-1.0.0-r0.apk"))
                        .as(name)
                        .isPresent();
            }
        }
    }

    @Test
    void anIndexReplacedAfterItWasReadIsMergedAgainNotOverwritten() throws Exception {
        Path mine = apk("mine", "1.0.0-r0", "mine");
        Path theirs = apk("theirs", "2.0.0-r0", "theirs");
        try (S3ApkRepository repo = open("stale", "me");
                S3ApkRepository other = open("stale", "other")) {
            AtomicBoolean once = new AtomicBoolean();
            // between this publisher's read and its write, another one publishes: the If-Match it sends is stale
            repo.afterIndexRead(() -> {
                if (once.compareAndSet(false, true)) {
                    assertThat(other.publish(ARCH, List.of(theirs), key, 0).attempts())
                            .isEqualTo(1);
                }
            });
            S3ApkRepository.Published result = repo.publish(ARCH, List.of(mine), key, 0);

            assertThat(result.attempts())
                    .as("the stale write is refused, then retried")
                    .isEqualTo(2);
            assertThat(result.added()).containsExactly("mine-1.0.0-r0.apk");
            assertThat(names(result.index())).containsExactly("mine", "theirs");
            assertThat(names(published("stale"))).containsExactly("mine", "theirs");
            assertThat(names(repo.index(ARCH))).containsExactly("mine", "theirs");
        }
    }

    @Test
    void aPublishedPackageIsNeverReplacedAndRepublishingItChangesNothing() throws Exception {
        Path first = apk("tool", "1.0.0-r0", "first build");
        try (S3ApkRepository repo = open("immutable", "me")) {
            assertThat(repo.publish(ARCH, List.of(first), key, 0).added()).containsExactly("tool-1.0.0-r0.apk");
            String checksum = published("immutable").entries().get(0).checksum();
            S3ApkRepository.Published again = repo.publish(ARCH, List.of(first), key, 0);
            assertThat(again.added()).isEmpty();
            assertThat(again.unchanged()).containsExactly("tool-1.0.0-r0.apk");

            Path rebuilt = apk("tool", "1.0.0-r0", "other bytes");
            assertThatThrownBy(() -> repo.publish(ARCH, List.of(rebuilt), key, 0))
                    .isInstanceOf(PublishException.class)
                    .hasMessageContaining("tool-1.0.0-r0.apk already published with different bytes");
            assertThat(published("immutable").entries())
                    .singleElement()
                    .satisfies(e -> assertThat(e.checksum()).isEqualTo(checksum));
        }
    }

    @Test
    void anIndexSignedByAnotherKeyIsNotExtended() throws Exception {
        try (S3ApkRepository repo = open("foreign", "me")) {
            repo.publish(ARCH, List.of(apk("base", "1.0.0-r0", "base")), key, 0);
            ApkSigningKey stranger = ApkSigningKey.generate(2048, "stranger.rsa");
            Path out = Files.createDirectories(dir.resolve("stranger"));
            Path foreign = TestPackages.apk("evil", "1.0.0-r0").arch(ARCH).write(out, stranger);
            assertThatThrownBy(() -> repo.publish(ARCH, List.of(foreign), stranger, 0))
                    .hasMessageContaining("does not verify with signing key stranger.rsa");
            assertThat(names(published("foreign"))).containsExactly("base");
        }
    }

    @Test
    void aMirrorHoldsTheVerifiedRepositoryAndFetchesOnlyWhatChanged() throws Exception {
        Path mirror = dir.resolve("mirror");
        TrustedKeys trusted = TrustedKeys.of(key);
        try (S3ApkRepository repo = open("mirrored", "me")) {
            assertThat(repo.mirror(ARCH, mirror, trusted))
                    .as("nothing published yet")
                    .isEmpty();
            repo.publish(ARCH, List.of(apk("one", "1.0.0-r0", "one"), apk("two", "1.0.0-r0", "two")), key, 0);

            S3ApkRepository.Mirrored first = repo.mirror(ARCH, mirror, trusted).orElseThrow();
            assertThat(first.fetched()).containsExactly("one-1.0.0-r0.apk", "two-1.0.0-r0.apk");
            // the mirror is a repository image builds read as any local one: every package verifies through its index
            LocalRepositories local = new LocalRepositories(dir, trusted);
            List<RepositoryPackage> packages = local.packages(List.of(mirror.toString()), ARCH);
            assertThat(packages).extracting(p -> p.entry().name()).containsExactlyInAnyOrder("one", "two");
            packages.forEach(p -> local.fetch(p, ARCH));

            Files.writeString(mirror.resolve(ARCH).resolve("stray.apk"), "not in the index");
            repo.publish(ARCH, List.of(apk("three", "1.0.0-r0", "three")), key, 0);
            S3ApkRepository.Mirrored second = repo.mirror(ARCH, mirror, trusted).orElseThrow();
            assertThat(second.fetched()).containsExactly("three-1.0.0-r0.apk");
            assertThat(second.kept()).containsExactly("one-1.0.0-r0.apk", "two-1.0.0-r0.apk");
            assertThat(second.removed()).containsExactly("stray.apk");
            assertThat(names(new ApkRepository(mirror).index(ARCH))).containsExactly("one", "three", "two");
        }
    }

    @Test
    void aMirrorRefusesAPackageOtherThanItsIndexNamesAndAnIndexNoTrustedKeySigned() throws Exception {
        Path mirror = dir.resolve("mirror");
        try (S3ApkRepository repo = open("tampered", "me");
                S3Objects objects =
                        S3Objects.open(S3Location.parse(s3.bucket("packages", "tampered")), s3.environment())) {
            repo.publish(ARCH, List.of(apk("tool", "1.0.0-r0", "published")), key, 0);
            // someone with write access to the bucket swaps the package for other bytes, signed with the same key
            Path swapped = apk("tool", "1.0.0-r0", "swapped");
            objects.putFile(ARCH + "/tool-1.0.0-r0.apk", swapped, S3Objects.Precondition.NONE);
            assertThatThrownBy(() -> repo.mirror(ARCH, mirror, TrustedKeys.of(key)))
                    .isInstanceOf(PublishException.class)
                    .hasMessageContaining("tool-1.0.0-r0.apk")
                    .hasMessageContaining("but the index says");
            assertThat(mirror.resolve(ARCH).resolve(ApkRepository.INDEX_FILE)).doesNotExist();
            assertThat(mirror.resolve(ARCH).resolve("tool-1.0.0-r0.apk")).doesNotExist();

            ApkSigningKey stranger = ApkSigningKey.generate(2048, "stranger.rsa");
            assertThatThrownBy(() -> repo.mirror(ARCH, mirror, TrustedKeys.of(stranger)))
                    .isInstanceOf(PublishException.class)
                    .hasMessageContaining(ARCH + "/" + ApkRepository.INDEX_FILE);
        }
    }

    @Test
    void aCollectionDeletesOrphansOlderThanTheGraceAndKeepsFreshAndIndexedOnes() throws Exception {
        try (S3ApkRepository repo = open("orphans", "me");
                S3Objects objects =
                        S3Objects.open(S3Location.parse(s3.bucket("packages", "orphans")), s3.environment())) {
            repo.publish(ARCH, List.of(apk("kept", "1.0.0-r0", "kept"), apk("taken", "1.0.0-r0", "first")), key, 0);
            // a publish whose second package is refused leaves its first one written and named by no index
            Path old = apk("old", "1.0.0-r0", "old");
            assertThatThrownBy(() -> repo.publish(ARCH, List.of(old, apk("taken", "1.0.0-r0", "second")), key, 0))
                    .hasMessageContaining("already published with different bytes");
            Instant oldWritten =
                    objects.head(ARCH + "/old-1.0.0-r0.apk").orElseThrow().modified();
            Thread.sleep(1_100); // Last-Modified has a resolution of one second: the next orphan is strictly younger
            Path fresh = apk("fresh", "1.0.0-r0", "fresh");
            assertThatThrownBy(() -> repo.publish(ARCH, List.of(fresh, apk("taken", "1.0.0-r0", "third")), key, 0))
                    .hasMessageContaining("already published with different bytes");
            Instant freshWritten =
                    objects.head(ARCH + "/fresh-1.0.0-r0.apk").orElseThrow().modified();
            assertThat(freshWritten).isAfter(oldWritten);

            Duration grace = Duration.ofHours(1);
            S3ApkRepository.Collected collected = repo.collect(grace, oldWritten.plus(grace));
            assertThat(collected.deleted()).containsExactly(ARCH + "/old-1.0.0-r0.apk");
            assertThat(collected.young()).containsExactly(ARCH + "/fresh-1.0.0-r0.apk");
            assertThat(collected.indexed()).isEqualTo(2);
            assertThat(objects.head(ARCH + "/old-1.0.0-r0.apk")).isEmpty();
            for (String name : List.of("fresh", "kept", "taken")) {
                assertThat(objects.head(ARCH + "/" + name + "-1.0.0-r0.apk"))
                        .as(name)
                        .isPresent();
            }
            assertThat(names(published("orphans"))).containsExactly("kept", "taken");

            // publishing the orphan again renews it before its index entry exists: a collection judging it by the
            // age of the failed publish would otherwise take it from under the index being written
            Thread.sleep(1_100);
            repo.publish(ARCH, List.of(fresh), key, 0);
            assertThat(objects.head(ARCH + "/fresh-1.0.0-r0.apk").orElseThrow().modified())
                    .isAfter(freshWritten);
            assertThat(repo.collect(Duration.ZERO, freshWritten.plus(grace)).deleted())
                    .isEmpty();
        }
    }
}
