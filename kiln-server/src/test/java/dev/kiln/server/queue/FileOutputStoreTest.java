package dev.kiln.server.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.content.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared-directory output store and the checks every store gets from {@link OutputStores}. */
class FileOutputStoreTest {
    @TempDir
    Path dir;

    @Test
    void storesBytesOnceUnderTheirDigest() throws Exception {
        FileOutputStore store = new FileOutputStore(dir.resolve("outputs"));
        Path file = Files.writeString(dir.resolve("a-1.0.0-r0.apk"), "package bytes");
        Digest digest = store.put(file);

        assertThat(digest).isEqualTo(Digest.sha256("package bytes".getBytes(StandardCharsets.UTF_8)));
        assertThat(store.pathOf(digest))
                .isEqualTo(dir.resolve("outputs/sha256/" + digest.hex().substring(0, 2) + "/" + digest.hex()));
        Path copy = Files.writeString(dir.resolve("same.apk"), "package bytes");
        assertThat(store.put(copy)).isEqualTo(digest);
        try (var files = Files.walk(dir.resolve("outputs"))) {
            assertThat(files.filter(Files::isRegularFile).count())
                    .as("no temporary file left behind")
                    .isEqualTo(1);
        }
        assertThat(store.contains(digest)).isTrue();
        assertThat(OutputStores.mismatch(store, digest)).isNull();
    }

    @Test
    void bytesThatDoNotMatchTheirKeyAreRefused() throws Exception {
        FileOutputStore store = new FileOutputStore(dir.resolve("outputs"));
        Digest claimed = Digest.sha256("what was promised".getBytes(StandardCharsets.UTF_8));
        assertThat(OutputStores.mismatch(store, claimed)).isEqualTo("nothing is stored under " + claimed);

        Files.createDirectories(store.pathOf(claimed).getParent());
        Files.writeString(store.pathOf(claimed), "something else");
        Digest actual = Digest.sha256("something else".getBytes(StandardCharsets.UTF_8));
        assertThat(OutputStores.mismatch(store, claimed))
                .isEqualTo("the bytes stored under " + claimed + " are " + actual);
        Path target = dir.resolve("repo/a.apk");
        assertThatThrownBy(() -> OutputStores.fetch(store, claimed, target))
                .isInstanceOf(QueueException.class)
                .hasMessage("refusing a.apk: the output store holds " + actual + " under " + claimed);
        assertThat(target).doesNotExist();
    }

    @Test
    void storageNamesADirectoryAndRefusesWhatIsNotThereYet() {
        assertThat(OutputStores.of(dir.toString())).isInstanceOf(FileOutputStore.class);
        assertThat(((FileOutputStore) OutputStores.of("file:" + dir)).root()).isEqualTo(dir);
        assertThatThrownBy(() -> OutputStores.of("s3://bucket/outputs"))
                .isInstanceOf(QueueException.class)
                .hasMessageContaining("--storage 's3://bucket/outputs': build outputs on S3 are not implemented yet");
        assertThatThrownBy(() -> OutputStores.of("gs://bucket"))
                .hasMessage("--storage 'gs://bucket': expected a directory or s3://bucket/prefix");
    }
}
