package dev.kiln.server;

import dev.kiln.apk.ApkRepository;
import dev.kiln.apk.ApkSigningKey;
import dev.kiln.apk.TrustedKeys;
import dev.kiln.objects.S3Location;
import dev.kiln.server.publish.S3ApkRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The APK repository that reconcilers sharing an S3 {@code --storage} publish into together: {@code
 * s3://BUCKET/PREFIX/repository/ARCH/…}, beside the build outputs ({@code PREFIX/sha256/…}). Each reconciler still
 * publishes into its own repository folder; the shared one is the union of every reconciler's packages, which apk
 * clients and other machines read, and which each reconciler's image builds read through a verified local mirror
 * ({@link #mirror}). A directory {@code --storage} has none.
 */
public final class SharedRepository implements AutoCloseable {
    private final Settings settings;
    private final @Nullable S3ApkRepository s3;

    private SharedRepository(Settings settings, @Nullable S3ApkRepository s3) {
        this.settings = settings;
        this.s3 = s3;
    }

    static SharedRepository of(String storage, Settings settings) {
        if (!storage.toLowerCase(Locale.ROOT).startsWith("s3://")) {
            return new SharedRepository(settings, null);
        }
        return new SharedRepository(
                settings,
                S3ApkRepository.open(
                        location(storage),
                        settings.environment(),
                        settings.workDir().resolve("s3-publish")));
    }

    /** Where the shared repository of {@code --storage s3://…} is. */
    public static S3Location location(String storage) {
        return S3Location.parse(storage).resolve("repository");
    }

    /**
     * Deletes the packages of the shared repository of {@code storage} that no index names and that are older than
     * {@code grace} at {@code now} ({@link S3ApkRepository#collect}); {@code env} holds the AWS settings.
     */
    public static S3ApkRepository.Collected collect(
            String storage, Map<String, String> env, Path workDir, Duration grace, Instant now) {
        try (S3ApkRepository repository = S3ApkRepository.open(location(storage), env, workDir)) {
            return repository.collect(grace, now);
        }
    }

    /** Where a reconciler keeps its mirror of the shared repository: {@code STATE/shared-repository}. */
    static Path mirrorDir(Settings settings) {
        return settings.stateDir().resolve("shared-repository");
    }

    /**
     * Brings the mirror of the shared repository ({@link #mirrorDir}) up to date for {@code arch}, every package
     * checked against the index and the index against {@code key} (the catalog's package key, which every reconciler
     * and worker signs with); returns the mirror's folder, or empty without S3 storage or before anything was
     * published there.
     */
    Optional<Path> mirror(String arch, ApkSigningKey key) {
        if (s3 == null) {
            return Optional.empty();
        }
        Path target = mirrorDir(settings);
        return s3.mirror(arch, target, TrustedKeys.of(key)).map(m -> target);
    }

    /**
     * The local repositories a reconciler's image builds resolve from besides their configs' own: with {@code
     * --storage s3://…}, the shared repository every reconciler publishes into, mirrored and verified ({@link
     * #mirror}), so an image gets the packages other reconcilers published too. Empty otherwise, and before anything
     * was published there.
     */
    static List<Path> forImages(Settings settings, ApkSigningKey packageKey, ReconcileListener listener) {
        String storage = settings.storage();
        if (storage == null) {
            return List.of();
        }
        Optional<Path> mirror;
        try (SharedRepository repository = of(storage, settings)) {
            mirror = repository.mirror(settings.arch(), packageKey);
        }
        if (mirror.isEmpty()) {
            return List.of();
        }
        listener.onEvent(ReconcileEvent.of(
                "phase",
                "==> images resolve from " + settings.repository() + " and the shared repository (mirrored in "
                        + mirror.get() + ")",
                "message",
                "shared repository mirrored"));
        // a reconciler that has published nothing itself yet: its repository gets an empty signed index, so that
        // image configs naming it resolve (their packages then come from the mirror)
        new ApkRepository(settings.repository()).ensureIndex(settings.arch(), packageKey, 0);
        return List.of(mirror.get().toAbsolutePath());
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
