package dev.kiln.server;

import dev.kiln.registry.RegistryConfig;
import dev.kiln.registry.RegistryServer;
import java.nio.file.Path;

/** What the reconciler's tests share: {@code kiln up}'s layout in a temporary folder, and a registry beside it. */
public final class CatalogFixture {
    private CatalogFixture() {}

    /** State in {@code dir/.kiln}, packages in {@code dir/packages}, x86_64, a fixed epoch: build with the env. */
    public static Settings.Builder settings(Path dir, Path catalog, long sourceDateEpoch) {
        return Settings.builder()
                .stateDir(dir.resolve(".kiln"))
                .repository(dir.resolve("packages"))
                .catalog(catalog)
                .arch("x86_64")
                .sourceDateEpoch(sourceDateEpoch);
    }

    /** Kiln's registry on a free port of 127.0.0.1, storing in {@code dir/registry}; the caller closes it. */
    public static RegistryServer registry(Path dir) throws java.io.IOException {
        return new RegistryServer(RegistryConfig.builder(dir.resolve("registry"))
                        .addr("127.0.0.1:0")
                        .build())
                .start();
    }
}
