package dev.kiln.server;

import dev.kiln.apk.ApkSigningKey;
import dev.kiln.objects.S3Location;
import dev.kiln.server.publish.S3ApkRepository;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The APK repository that reconcilers sharing an S3 {@code --storage} publish into together: {@code
 * s3://BUCKET/PREFIX/repository/ARCH/…}, beside the build outputs ({@code PREFIX/sha256/…}). Each reconciler still
 * publishes into its own repository folder, which its image builds read; the shared one is the union of every
 * reconciler's packages, which apk clients and other machines read. A directory {@code --storage} has none.
 */
final class SharedRepository implements AutoCloseable {
    private final @Nullable S3ApkRepository s3;

    private SharedRepository(@Nullable S3ApkRepository s3) {
        this.s3 = s3;
    }

    static SharedRepository of(String storage, Settings settings) {
        if (!storage.toLowerCase(Locale.ROOT).startsWith("s3://")) {
            return new SharedRepository(null);
        }
        return new SharedRepository(S3ApkRepository.open(
                location(storage), settings.environment(), settings.workDir().resolve("s3-publish")));
    }

    /** Where the shared repository of {@code --storage s3://…} is. */
    static S3Location location(String storage) {
        return S3Location.parse(storage).resolve("repository");
    }

    void publish(String arch, List<Path> apks, ApkSigningKey key, long sourceDateEpoch) {
        if (s3 != null) {
            s3.publish(arch, apks, key, sourceDateEpoch);
        }
    }

    @Override
    public void close() {
        if (s3 != null) {
            s3.close();
        }
    }
}
