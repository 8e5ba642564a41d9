package dev.kiln.registry;

import dev.kiln.objects.S3Location;
import dev.kiln.registry.internal.s3.S3Storage;
import dev.kiln.testkit.S3ProxyProcess;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract on S3: S3Proxy on 127.0.0.1, a fresh key prefix per test in one bucket. */
class S3StorageContractIT extends RegistryStorageContract {
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
        location = S3Location.parse(s3.bucket("registry", "test-" + TESTS.incrementAndGet()));
    }

    final List<S3Storage> opened = new ArrayList<>();

    @Override
    RegistryStorage open() {
        S3Storage storage = S3Storage.open(location, s3.environment(), Clock.systemUTC());
        opened.add(storage);
        return storage;
    }

    @AfterEach
    void closeStorages() {
        opened.forEach(S3Storage::close);
    }
}
