package dev.kiln.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void oneSetOfDefaults() {
        Settings s = Settings.builder().build(Map.of());
        assertThat(s.stateDir()).isEqualTo(Path.of(".kiln"));
        assertThat(s.repository()).isEqualTo(Path.of("packages"));
        assertThat(s.catalog()).isEqualTo(Path.of("examples"));
        assertThat(s.packageKey()).isEqualTo(Path.of(".kiln/keys/kiln.rsa"));
        assertThat(s.imageKey()).isEqualTo(Path.of(".kiln/keys/image.key"));
        assertThat(s.database())
                .isEqualTo("jdbc:sqlite:" + Path.of(".kiln/kiln.db").toAbsolutePath());
        assertThat(s.sourceDateEpoch()).isNull();
        assertThat(s.imageEpoch()).isNull();
        Clock system = Clock.systemUTC();
        assertThat(s.signingClock(system)).isSameAs(system);
    }

    @Test
    void theFlagWinsOverTheEnvironment() {
        Map<String, String> env = Map.of("SOURCE_DATE_EPOCH", " 1700000000 ");
        assertThat(Settings.builder().build(env).sourceDateEpoch()).isEqualTo(1_700_000_000L);
        assertThat(Settings.builder().sourceDateEpoch(5L).build(env).sourceDateEpoch())
                .isEqualTo(5L);
        assertThat(Settings.builder().build(env).signingClock(Clock.systemUTC()))
                .isEqualTo(Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC));
        assertThatThrownBy(() -> Settings.builder().build(Map.of("SOURCE_DATE_EPOCH", "yesterday")))
                .isInstanceOf(SettingsException.class)
                .hasMessage("SOURCE_DATE_EPOCH must be a number of seconds, got 'yesterday'");
    }

    @Test
    void databaseUrls() {
        Path state = Path.of("/state");
        assertThat(DatabaseUrl.jdbc("postgresql://kiln:pw@db:5432/kiln", state))
                .isEqualTo("jdbc:postgresql://db:5432/kiln?user=kiln&password=pw");
        assertThat(DatabaseUrl.jdbc("postgresql://kiln@db/kiln?sslmode=require", state))
                .isEqualTo("jdbc:postgresql://db/kiln?sslmode=require&user=kiln");
        assertThat(DatabaseUrl.jdbc("postgresql://db/kiln", state)).isEqualTo("jdbc:postgresql://db/kiln");
        assertThat(DatabaseUrl.jdbc("sqlite:/tmp/k.db", state)).isEqualTo("jdbc:sqlite:/tmp/k.db");
        assertThat(DatabaseUrl.jdbc(null, state)).isEqualTo("jdbc:sqlite:/state/kiln.db");
        assertThatThrownBy(() -> DatabaseUrl.jdbc("mysql://db/kiln", state))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("--database 'mysql://db/kiln': expected postgresql://");
    }

    @Test
    void printedSettingsShowNoSecrets() {
        Settings s = Settings.builder()
                .database("postgresql://kiln:hunter2@db:5432/kiln")
                .build(Map.of("KILN_PASSWORD", "hunter2", "GITHUB_TOKEN", "ghp_hunter2"));
        assertThat(s.toString()).doesNotContain("hunter2").contains("database=jdbc:postgresql://db:5432/kiln");
    }

    @Test
    void unsignedImagesHaveNoImageKey() {
        assertThat(Settings.builder().unsignedImages(true).build(Map.of()).imageKey())
                .isNull();
    }

    @Test
    void everyCommandBuildsWithTheSameOptions() {
        dev.kiln.apk.ApkSigningKey key = dev.kiln.apk.ApkSigningKey.generate(2048, "test.rsa");
        Settings s = Settings.builder()
                .stateDir(Path.of("/state"))
                .repository(Path.of("/repo"))
                .arch("aarch64")
                .build(Map.of("SOURCE_DATE_EPOCH", "1700000000"));
        dev.kiln.build.BuildOptions o = s.buildOptions(key, null);
        assertThat(o.arch()).isEqualTo("aarch64");
        assertThat(o.repository()).isEqualTo(Path.of("/repo"));
        assertThat(o.cacheDir()).isEqualTo(Path.of("/state/cache"));
        assertThat(o.workRoot()).isEqualTo(Path.of("/state/work"));
        assertThat(o.logDir()).isEqualTo(Path.of("/state/logs"));
        assertThat(o.sourceDateEpoch()).isEqualTo(1_700_000_000L);
        assertThat(o.namespace()).isEqualTo("kiln");
        assertThat(o.offline()).isFalse();
        assertThat(o.signingKey()).isSameAs(key);
        assertThat(Settings.builder()
                        .cacheDir(Path.of("/elsewhere"))
                        .build(Map.of())
                        .buildOptions(key, null)
                        .cacheDir())
                .isEqualTo(Path.of("/elsewhere"));
        assertThat(o.withNetwork(false).offline()).isTrue();
        assertThat(o.withKeepWorkspace(true).keepWorkspace()).isTrue();
    }

    @Test
    void scanDataLivesInTheCatalogUnlessSaidOtherwise() {
        Settings s = Settings.builder().catalog(Path.of("cat")).build(Map.of());
        assertThat(s.advisories()).isEqualTo(Path.of("cat/advisories"));
        assertThat(s.osv()).isEqualTo(Path.of("cat/osv"));
        assertThat(Settings.builder()
                        .advisories(Path.of("feed.bin"))
                        .build(Map.of())
                        .advisories())
                .isEqualTo(Path.of("feed.bin"));
    }
}
