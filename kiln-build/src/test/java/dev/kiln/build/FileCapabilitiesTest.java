package dev.kiln.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.recipe.SetCap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FileCapabilitiesTest {

    @Test
    void encodesRevisionTwoWithEffectiveBit() {
        byte[] value = FileCapabilities.encode(
                "nginx", new SetCap("/usr/sbin/nginx", Map.of("cap_net_bind_service", "+eip".substring(1)), "bind 80"));
        // magic 0x02000001, permitted 1<<10, inheritable 1<<10, upper words 0 — what `setcap cap_net_bind_service=eip`
        // writes
        assertThat(HexFormat.of().formatHex(value)).isEqualTo("0100000200040000000400000000000000000000");
    }

    @Test
    void permittedOnlyAndSeveralCapabilities() {
        byte[] value = FileCapabilities.encode(
                "ping", new SetCap("usr/bin/ping", Map.of("cap_net_raw,cap_net_admin", "p"), "raw sockets"));
        assertThat(HexFormat.of().formatHex(value)).isEqualTo("0000000200300000000000000000000000000000");
        assertThat(FileCapabilities.xattrs(
                        "ping", List.of(new SetCap("/usr/bin/ping", Map.of("cap_net_raw", "p"), "r"))))
                .containsOnlyKeys("usr/bin/ping");
    }

    @Test
    void refusesCapabilitiesOutsideTheAllowedSet() {
        assertThatThrownBy(() ->
                        FileCapabilities.encode("x", new SetCap("usr/bin/x", Map.of("cap_sys_ptrace", "ep"), "no")))
                .hasMessageContaining("cap_sys_ptrace")
                .hasMessageContaining("net_bind_service");
    }
}
