package dev.kiln.server.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.content.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The output store contract on a shared directory, its layout, and how {@code --storage} names a store. */
class FileOutputStoreTest extends OutputStoreContract {
    @Override
    OutputStore open() {
        return new FileOutputStore(dir.resolve("outputs"));
    }

    @Override
    void plant(Digest key, byte[] bytes) throws Exception {
        Path path = new FileOutputStore(dir.resolve("outputs")).pathOf(key);
        Files.createDirectories(path.getParent());
        Files.write(path, bytes);
    }

    @Test
    void keepsOneFilePerDigestAndNoTemporaries() throws Exception {
        FileOutputStore store = new FileOutputStore(dir.resolve("outputs"));
        Path file = Files.writeString(dir.resolve("a-1.0.0-r0.apk"), "package bytes");
        Digest digest = store.put(file);
        assertThat(store.pathOf(digest))
                .isEqualTo(dir.resolve("outputs/sha256/" + digest.hex().substring(0, 2) + "/" + digest.hex()));
        store.put(Files.writeString(dir.resolve("same.apk"), "package bytes"));
        try (var files = Files.walk(dir.resolve("outputs"))) {
            assertThat(files.filter(Files::isRegularFile).count())
                    .as("no temporary file left behind")
                    .isEqualTo(1);
        }
    }

    @Test
    void storageNamesADirectoryOrAnS3Location() {
        Map<String, String> env = Map.of(
                "AWS_ENDPOINT_URL", "http://127.0.0.1:9",
                "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "id",
                "AWS_SECRET_ACCESS_KEY", "secret");
        assertThat(OutputStores.of(dir.toString(), env)).isInstanceOf(FileOutputStore.class);
        assertThat(((FileOutputStore) OutputStores.of("file:" + dir, env)).root())
                .isEqualTo(dir);
        try (OutputStore s3 = OutputStores.of("s3://bucket/outputs", env)) {
            assertThat(s3).isInstanceOf(S3OutputStore.class).hasToString("s3://bucket/outputs");
        }
        assertThatThrownBy(() -> OutputStores.of("s3://Bad_Bucket/outputs", env))
                .isInstanceOf(QueueException.class)
                .hasMessageStartingWith("--storage 's3://Bad_Bucket/outputs': S3 bucket name must be");
        assertThatThrownBy(() -> OutputStores.of("gs://bucket", env))
                .hasMessage("--storage 'gs://bucket': expected a directory or s3://bucket/prefix");
    }
}
