package dev.kiln.server.queue;

import dev.kiln.content.Digest;
import dev.kiln.objects.S3Location;
import dev.kiln.objects.S3Objects;
import dev.kiln.objects.S3Objects.Precondition;
import dev.kiln.testkit.S3ProxyProcess;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The output store contract on S3: S3Proxy on 127.0.0.1, a fresh key prefix per test in one bucket. */
class S3OutputStoreContractIT extends OutputStoreContract {
    private static final AtomicInteger TESTS = new AtomicInteger();

    @TempDir
    static Path tmp;

    static S3ProxyProcess s3;
    S3Location location;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3ProxyProcess.start(tmp.resolve("s3proxy"));
    }

    @AfterAll
    static void stopS3() {
        if (s3 != null) {
            s3.close();
        }
    }

    @BeforeEach
    void freshPrefix() throws Exception {
        location = S3Location.parse(s3.bucket("outputs", "test-" + TESTS.incrementAndGet()));
    }

    @Override
    OutputStore open() {
        return OutputStores.of(location.toString(), s3.environment());
    }

    @Override
    void plant(Digest key, byte[] bytes) {
        try (S3Objects objects = S3Objects.open(location, s3.environment())) {
            objects.put(S3OutputStore.keyOf(key), bytes, Precondition.NONE);
        }
    }
}
