package dev.kiln.server.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.content.Digest;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link OutputStore} promises, run against each implementation. {@link #open()} returns a new instance
 * over the same store on every call, as a worker and a reconciler on other machines would open it: what one writes,
 * the other reads.
 */
abstract class OutputStoreContract {
    @TempDir
    Path dir;

    /** A new store instance over this test's store (the same store on every call). */
    abstract OutputStore open() throws Exception;

    /** Writes {@code bytes} under {@code key} behind the store's back, as a broken or hostile writer would. */
    abstract void plant(Digest key, byte[] bytes) throws Exception;

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void storesBytesOnceUnderTheirDigestAndAnotherInstanceReadsThem() throws Exception {
        Path file = Files.writeString(dir.resolve("a-1.0.0-r0.apk"), "package bytes");
        Digest digest;
        try (OutputStore worker = open()) {
            digest = worker.put(file);
            assertThat(digest).isEqualTo(Digest.sha256(text("package bytes")));
            Path copy = Files.writeString(dir.resolve("same.apk"), "package bytes");
            assertThat(worker.put(copy)).isEqualTo(digest);
        }
        try (OutputStore reconciler = open()) {
            assertThat(reconciler.contains(digest)).isTrue();
            try (InputStream in = reconciler.open(digest)) {
                assertThat(in.readAllBytes()).isEqualTo(text("package bytes"));
            }
            assertThat(OutputStores.mismatch(reconciler, digest)).isNull();
            Path target = dir.resolve("repo/a-1.0.0-r0.apk");
            OutputStores.fetch(reconciler, digest, target);
            assertThat(target).hasContent("package bytes");
        }
    }

    @Test
    void anEmptyFileIsAnOutputToo() throws Exception {
        Path empty = Files.write(dir.resolve("empty.log"), new byte[0]);
        try (OutputStore store = open()) {
            Digest digest = store.put(empty);
            assertThat(store.contains(digest)).isTrue();
            assertThat(OutputStores.mismatch(store, digest)).isNull();
        }
    }

    @Test
    void nothingStoredIsReportedNotInvented() throws Exception {
        Digest absent = Digest.sha256(text("never stored"));
        try (OutputStore store = open()) {
            assertThat(store.contains(absent)).isFalse();
            assertThat(OutputStores.mismatch(store, absent)).isEqualTo("nothing is stored under " + absent);
            assertThatThrownBy(() -> store.open(absent))
                    .isInstanceOf(QueueException.class)
                    .hasMessageContaining("has nothing under " + absent);
        }
    }

    @Test
    void bytesThatDoNotMatchTheirKeyAreRefused() throws Exception {
        Digest claimed = Digest.sha256(text("what was promised"));
        plant(claimed, text("something else"));
        Digest actual = Digest.sha256(text("something else"));
        try (OutputStore store = open()) {
            assertThat(OutputStores.mismatch(store, claimed))
                    .isEqualTo("the bytes stored under " + claimed + " are " + actual);
            Path target = dir.resolve("repo/a.apk");
            assertThatThrownBy(() -> OutputStores.fetch(store, claimed, target))
                    .isInstanceOf(QueueException.class)
                    .hasMessage("refusing a.apk: the output store holds " + actual + " under " + claimed);
            assertThat(target).doesNotExist();
        }
    }

    @Test
    void racingWritersOfOneOutputAllSucceedWithTheSameBytes() throws Exception {
        byte[] body = new byte[1 << 20];
        new java.util.Random(7).nextBytes(body);
        Path file = Files.write(dir.resolve("big.apk"), body);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<OutputStore> stores = new ArrayList<>();
        try {
            List<Callable<Digest>> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                OutputStore store = open();
                stores.add(store);
                writers.add(() -> store.put(file));
            }
            for (Future<Digest> f : pool.invokeAll(writers)) {
                assertThat(f.get()).isEqualTo(Digest.sha256(body));
            }
            assertThat(OutputStores.mismatch(stores.get(0), Digest.sha256(body)))
                    .isNull();
        } finally {
            pool.shutdownNow();
            stores.forEach(OutputStore::close);
        }
    }
}
