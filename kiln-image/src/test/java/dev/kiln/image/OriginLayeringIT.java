package dev.kiln.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.apk.Installer;
import dev.kiln.content.Gzip;
import dev.kiln.content.TarHeader;
import dev.kiln.content.TarReader;
import dev.kiln.oci.OciLayout;
import dev.kiln.testkit.TestPackages;
import dev.kiln.testkit.Tools;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OriginLayeringIT {
    static final String CONFIG = """
            contents:
              repositories: [./repo]
              keyring: [./kiln-test.rsa.pub]
              packages: [%s]
            accounts:
              groups: [{groupname: nonroot, gid: 65532}]
              users: [{username: nonroot, uid: 65532, gid: 65532}]
              run-as: "65532"
            archs: [amd64]
            %s
            """;

    @TempDir
    Path tmp;

    @BeforeEach
    void setUp() throws Exception {
        long date = Fixtures.BUILD_DATE;
        TestPackages.publish(
                tmp.resolve("repo"),
                "x86_64",
                Fixtures.KEY,
                List.of(
                        TestPackages.apk("big", "1.0-r0")
                                .builddate(date)
                                .depends("big-doc", "mid", "small1", "replacer")
                                .file("usr/bin/big", "b".repeat(20_000), 0755)
                                .file("usr/lib/libbig.so.1", "l".repeat(5_000), 0755),
                        TestPackages.apk("big-doc", "1.0-r0")
                                .origin("big")
                                .builddate(date)
                                .file("usr/share/doc/big/README", "d".repeat(3_000), 0644),
                        TestPackages.apk("mid", "2.0-r0").builddate(date).file("usr/bin/mid", "m".repeat(9_000), 0755),
                        TestPackages.apk("small1", "1-r0").builddate(date).file("usr/bin/small1", "s1", 0755),
                        TestPackages.apk("small2", "1-r0").builddate(date).file("usr/share/small/data", "old", 0644),
                        TestPackages.apk("replacer", "1-r0")
                                .builddate(date)
                                .replaces("small2")
                                .depends("small2")
                                .file("usr/share/small/data", "new", 0644)));
        Fixtures.publicKey(tmp);
    }

    ImageBuild build(String packages, String layering, Clock clock) throws Exception {
        ImageSpec spec = ImageSpecLoader.load(Fixtures.config(tmp, CONFIG.formatted(packages, layering)));
        return new ImageBuilder(clock).build(spec, new ImageBuildOptions(null, null, null, null, tmp));
    }

    /** Path to content (or a marker for non-files) of every entry of one layer. */
    static Map<String, String> entries(Layer layer) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        TarReader tar = new TarReader(
                new ByteArrayInputStream(Gzip.decompress(layer.blob().bytes())));
        for (TarHeader h = tar.next(); h != null; h = tar.next()) {
            String name =
                    h.name().endsWith("/") ? h.name().substring(0, h.name().length() - 1) : h.name();
            out.put(name, h.type() + ":" + new String(tar.readContent(), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void groupsByOriginWithinTheBudgetDeterministically() throws Exception {
        Clock monday = Clock.fixed(Instant.parse("2025-01-06T09:00:00Z"), ZoneOffset.UTC);
        Clock friday = Clock.fixed(Instant.parse("2025-03-14T17:30:00Z"), ZoneOffset.UTC);
        ImageBuild a = build("big", "layering: {strategy: origin, budget: 3}", monday);
        ImageBuild b = build("big", "layering: {strategy: origin, budget: 3}", friday);
        assertThat(a.archs().get(0).layers()).hasSize(4);
        assertThat(a.images().index().descriptor().digest())
                .isEqualTo(b.images().index().descriptor().digest());
        assertThat(a.archs().get(0).image().parsedConfig().history())
                .hasSize(4)
                .extracting(dev.kiln.oci.ImageConfig.History::comment)
                .first()
                .asString()
                .startsWith("origin big: big-1.0-r0 big-doc-1.0-r0");

        List<Layer> layers = a.archs().get(0).layers();
        Map<String, String> bigLayer = entries(layers.get(0));
        assertThat(bigLayer)
                .containsKeys("usr", "usr/bin", "usr/bin/big", "usr/lib/libbig.so.1", "usr/share/doc/big/README")
                .doesNotContainKeys("usr/bin/mid", "usr/bin/small1", "etc/passwd");
        String partialDb = bigLayer.get(Installer.DB_DIR + "/installed");
        assertThat(partialDb).contains("P:big\n").contains("P:big-doc\n").doesNotContain("P:mid\n");

        assertThat(entries(layers.get(1))).containsKey("usr/bin/mid").doesNotContainKey("usr/bin/big");
        Map<String, String> overflow = entries(layers.get(2));
        assertThat(overflow).containsKeys("usr/bin/small1", "usr/share/small/data");
        assertThat(overflow.get("usr/share/small/data"))
                .as("the replacer's file wins")
                .endsWith(":new");
        assertThat(overflow.get(Installer.DB_DIR + "/installed")).contains("P:small1\n", "P:small2\n", "P:replacer\n");
        Map<String, String> top = entries(layers.get(3));
        assertThat(top)
                .containsKeys("etc/passwd", "etc/apko.json", "etc/apk/world", Installer.DB_DIR + "/installed")
                .doesNotContainKeys("usr/bin/big", "usr/bin/mid");
        assertThat(top.get(Installer.DB_DIR + "/installed")).contains("P:big\n", "P:mid\n", "P:replacer\n");

        // Stacked, the layers hold exactly the single-layer image's entries.
        ImageBuild single = build("big", "", monday);
        assertThat(single.archs().get(0).layers()).hasSize(1);
        TreeSet<String> stacked = new TreeSet<>();
        for (Layer l : layers) {
            stacked.addAll(entries(l).keySet());
        }
        assertThat(stacked)
                .isEqualTo(new TreeSet<>(
                        entries(single.archs().get(0).layers().get(0)).keySet()));

        ImageBuild tight = build("big", "layering: {strategy: origin, budget: 1}", monday);
        assertThat(tight.archs().get(0).layers())
                .as("budget 1: one overflow layer and the top layer")
                .hasSize(2);
        ImageBuild wide = build("big", "layering: {strategy: origin, budget: 20}", monday);
        assertThat(wide.archs().get(0).layers())
                .as("four origin groups and the top layer")
                .hasSize(5);

        Tools.require("umoci", "apt-get install umoci");
        new OciLayout(tmp.resolve("layout")).write(a.images(), "layered");
        InteropIT.Run unpack =
                InteropIT.run(tmp, "umoci", "unpack", "--rootless", "--image", "layout:layered", "bundle");
        assertThat(unpack.exit()).as(unpack.out()).isZero();
        Path rootfs = tmp.resolve("bundle/rootfs");
        assertThat(Files.readString(rootfs.resolve("usr/share/small/data"))).isEqualTo("new");
        assertThat(Files.readString(rootfs.resolve(Installer.DB_DIR + "/installed")))
                .isEqualTo(new String(
                        single.archs()
                                .get(0)
                                .tree()
                                .get(Installer.DB_DIR + "/installed")
                                .orElseThrow()
                                .content(),
                        StandardCharsets.UTF_8));
    }
}
