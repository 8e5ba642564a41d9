package dev.kiln.registry.internal.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.objects.S3Location;
import dev.kiln.objects.S3Objects.Precondition;
import dev.kiln.registry.RegistryStorage;
import dev.kiln.testkit.S3ProxyProcess;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the registry's S3 storage leaves in the bucket after a crash, and how it sweeps it, against S3Proxy. */
class S3StorageSweepIT {
    @TempDir
    static Path tmp;

    static S3ProxyProcess s3;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3ProxyProcess.start(tmp.resolve("s3proxy"));
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void partsOfAnUploadWhoseStateIsGoneAreSweptAndLiveOnesKept() throws Exception {
        try (S3Storage storage = S3Storage.open(
                S3Location.parse(s3.bucket("conditional", "sweep")), s3.environment(), Clock.systemUTC())) {
            RegistryStorage.Upload crashed = storage.startUpload("app", "sha256");
            crashed.append(new ByteArrayInputStream(text("left behind")), Long.MAX_VALUE);
            RegistryStorage.Upload live = storage.startUpload("app", "sha256");
            live.append(new ByteArrayInputStream(text("in progress")), Long.MAX_VALUE);
            // a process killed after ending the upload but before deleting its parts
            storage.objects().delete("uploads/" + crashed.id() + "/state", Precondition.NONE);

            storage.removeStaleTemporaries(Instant.now().plus(Duration.ofHours(1)));

            assertThat(storage.objects().list("uploads/" + crashed.id() + "/")).isEmpty();
            assertThat(storage.objects().list("uploads/" + live.id() + "/")).hasSize(2);
            assertThat(storage.upload("app", live.id()).orElseThrow().size()).isEqualTo(11);
        }
    }
}
