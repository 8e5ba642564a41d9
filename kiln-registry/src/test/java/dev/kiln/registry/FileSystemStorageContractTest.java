package dev.kiln.registry;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract on a folder: every {@link #open()} is a new instance over it, as another process would be. */
class FileSystemStorageContractTest extends RegistryStorageContract {
    @TempDir
    Path root;

    @Override
    RegistryStorage open() {
        return new FileSystemStorage(root, Clock.systemUTC());
    }
}
