package dev.kiln.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.apk.FileNode;
import dev.kiln.apk.FileTree;
import dev.kiln.apk.InstalledPackage;
import dev.kiln.testkit.TestPackages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code entrypoint.type: service-bundle} installs s6 and lays out {@code /sv} as apko does. */
class ServiceBundleTest {
    static final String BUNDLE = """
            contents:
              repositories: [./repo, ./s6repo]
              keyring: [./kiln-test.rsa.pub]
              packages: [kiln-baselayout, hello]
            entrypoint:
              type: service-bundle
              services:
                greeter: /usr/bin/hello
                cron: /usr/bin/hello --every 5m
            archs: [amd64]
            """;

    @TempDir
    Path tmp;

    @BeforeEach
    void setUp() throws Exception {
        Fixtures.repository(tmp);
        Fixtures.publicKey(tmp);
    }

    /** A stand-in for s6: the two programs a service bundle runs, as scripts. */
    private void publishS6() {
        TestPackages.publish(
                tmp.resolve("s6repo"),
                "x86_64",
                Fixtures.KEY,
                List.of(TestPackages.apk("s6", "2.13.1.0-r0")
                        .builddate(Fixtures.BUILD_DATE)
                        .file("usr/bin/s6-svscan", "#!/bin/sh\nexec s6-supervise \"$1\"\n", 0755)
                        .file("usr/bin/execlineb", "#!/bin/sh\n", 0755)));
    }

    @Test
    void s6IsInstalledAndEachServiceGetsARunScriptUnderSv() throws Exception {
        publishS6();
        ImageBuild build = Fixtures.build(tmp, BUNDLE);
        ArchImage image = build.archs().get(0);

        assertThat(image.packages()).extracting(InstalledPackage::name).contains("s6", "hello");
        assertThat(ImageBuilderTest.text(image.tree(), "etc/apk/world")).contains("s6\n");
        assertThat(image.tree().exists("usr/bin/s6-svscan")).isTrue();
        assertThat(image.image().parsedConfig().config().entrypoint()).containsExactly("/bin/s6-svscan", "/sv");

        FileNode greeter = image.tree().get("sv/greeter/run").orElseThrow();
        assertThat(new String(greeter.content(), StandardCharsets.UTF_8))
                .isEqualTo("#!/bin/execlineb\n/usr/bin/hello\n");
        assertThat(greeter.mode() & 07777).isEqualTo(0755);
        assertThat(ImageBuilderTest.text(image.tree(), "sv/cron/run"))
                .isEqualTo("#!/bin/execlineb\n/usr/bin/hello --every 5m\n");
        assertThat(image.tree().get("sv").orElseThrow().kind()).isEqualTo(FileNode.Kind.DIRECTORY);
    }

    /**
     * s6-svscan and s6-supervise run as the image's user and make their state under {@code /sv}: a nonroot
     * bundle needs the directories to be its user's (root-owned 0755 ones stopped s6-supervise), the run
     * scripts stay root's.
     */
    @Test
    void theSupervisionDirectoriesBelongToTheRunAsUser() throws Exception {
        publishS6();
        String nonroot = BUNDLE.replace("archs: [amd64]", """
                accounts:
                  users:
                    - username: nonroot
                      uid: 65532
                      gid: 65533
                  run-as: nonroot
                archs: [amd64]""");
        FileTree tree = Fixtures.build(tmp, nonroot).archs().get(0).tree();
        for (String dir : List.of("sv", "sv/greeter", "sv/cron")) {
            FileNode node = tree.get(dir).orElseThrow();
            assertThat(List.of(node.uid(), node.gid(), node.mode() & 07777))
                    .as(dir)
                    .containsExactly(65532L, 65533L, 0755);
        }
        FileNode run = tree.get("sv/greeter/run").orElseThrow();
        assertThat(List.of(run.uid(), run.gid())).containsExactly(0L, 0L);

        FileTree byUid = Fixtures.build(tmp, nonroot.replace("run-as: nonroot", "run-as: \"65532\""))
                .archs()
                .get(0)
                .tree();
        assertThat(byUid.get("sv/cron").orElseThrow().gid()).isEqualTo(65533L);
        FileTree root = Fixtures.build(tmp, BUNDLE).archs().get(0).tree();
        assertThat(root.get("sv/greeter").orElseThrow().uid()).isZero();
    }

    @Test
    void aRunAsUserThatIsNotInPasswdIsAnError() throws Exception {
        publishS6();
        String config = BUNDLE.replace("archs: [amd64]", "accounts:\n  run-as: nobody-here\narchs: [amd64]");
        assertThatThrownBy(() -> Fixtures.build(tmp, config))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("accounts.run-as")
                .hasMessageContaining("'nobody-here'");
    }

    /** s6 and execline live in /usr/bin: the entrypoint and the run scripts reach them only through /bin. */
    @Test
    void withoutABinLinkTheBuildFailsNamingTheMissingLink() throws Exception {
        publishS6();
        String config = BUNDLE.replace("packages: [kiln-baselayout, hello]", "packages: [hello]");
        assertThatThrownBy(() -> Fixtures.build(tmp, config))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("runs /bin/s6-svscan, which is not in the x86_64 image")
                .hasMessageContaining("it is at /usr/bin/s6-svscan, but nothing links /bin to usr/bin");
    }

    @Test
    void withoutExeclinebTheBuildFails() throws Exception {
        TestPackages.publish(
                tmp.resolve("s6repo"),
                "x86_64",
                Fixtures.KEY,
                List.of(TestPackages.apk("s6", "2.13.1.0-r0")
                        .builddate(Fixtures.BUILD_DATE)
                        .file("usr/bin/s6-svscan", "#!/bin/sh\n", 0755)));
        assertThatThrownBy(() -> Fixtures.build(tmp, BUNDLE))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("runs /bin/execlineb")
                .hasMessageContaining("no installed package has it");
    }

    @Test
    void withoutS6InTheRepositoriesTheBuildFailsSayingWhatToDo() throws Exception {
        String config = BUNDLE.replace("[./repo, ./s6repo]", "[./repo]");
        assertThatThrownBy(() -> Fixtures.build(tmp, config))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("entrypoint.type service-bundle needs the s6 package")
                .hasMessageContaining("no configured repository has s6 for x86_64")
                .hasMessageContaining("[./repo]");
    }

    @Test
    void theLockPinsS6Too() throws Exception {
        publishS6();
        ImageSpec spec = ImageSpecLoader.load(Fixtures.config(tmp, BUNDLE));
        ImageLock lock = new ImageBuilder(java.time.Clock.systemUTC())
                .lock(
                        spec,
                        new ImageBuildOptions(null, null, null, null, tmp),
                        "image.yaml",
                        BUNDLE.getBytes(StandardCharsets.UTF_8));
        assertThat(lock.packages()).extracting(ImageLock.Locked::name).contains("s6");
    }
}
