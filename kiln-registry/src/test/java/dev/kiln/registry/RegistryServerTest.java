package dev.kiln.registry;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryServerTest {
    @Test
    void joinBeforeStartIsAnErrorNotANullPointerException(@TempDir Path dir) {
        try (RegistryServer server =
                new RegistryServer(RegistryConfig.builder(dir).build())) {
            assertThatThrownBy(server::join)
                    .isInstanceOf(RegistryException.class)
                    .hasMessage("registry server is not started");
        }
    }
}
