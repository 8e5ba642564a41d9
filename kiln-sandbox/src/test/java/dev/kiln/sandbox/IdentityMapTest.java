package dev.kiln.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityMapTest {

    @TempDir
    Path dir;

    @Test
    void anOrdinaryUserMapsOnlyItself() {
        IdentityMap map = IdentityMap.detect(1000, 1001, dir.resolve("none"), dir.resolve("none"));
        assertThat(map).isEqualTo(new IdentityMap(IdentityMap.Kind.CALLER, 1000, 1001, 1));
        assertThat(map.guestUidOf(1000)).isZero();
        assertThat(map.hostUidOf(1)).isEqualTo(-1);
    }

    @Test
    void rootUsesItsSubordinateRange() throws IOException {
        Path subuid = Files.writeString(dir.resolve("subuid"), "alice:100000:65536\nroot:200000:65536\n");
        Path subgid = Files.writeString(dir.resolve("subgid"), "0:300000:70000\n");
        IdentityMap map = IdentityMap.detect(0, 0, subuid, subgid);
        assertThat(map).isEqualTo(new IdentityMap(IdentityMap.Kind.SUBORDINATE, 200000, 300000, 65536));
        assertThat(map.hostUidOf(5)).isEqualTo(200005);
        assertThat(map.guestGidOf(300005)).isEqualTo(5);
        assertThat(map.guestUidOf(0)).isEqualTo(-1);
    }

    @Test
    void rootWithoutARangeIsToldHowToGrantOne() throws IOException {
        Path subuid = Files.writeString(dir.resolve("subuid"), "root:100000:1000\n");
        assertThatThrownBy(() -> IdentityMap.detect(0, 0, subuid, subuid))
                .isInstanceOf(SandboxUnavailableException.class)
                .hasMessageContaining(subuid.toString())
                .hasMessageContaining("usermod --add-subuids 100000-165535 --add-subgids 100000-165535 root");
    }
}
