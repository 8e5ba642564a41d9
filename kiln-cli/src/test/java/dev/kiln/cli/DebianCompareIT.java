package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.apk.ApkSigningKey;
import dev.kiln.testkit.DebianImages;
import dev.kiln.testkit.TestPackages;
import dev.kiln.testkit.Tools;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * The nutrition label against the conventional images a user would otherwise pull, built here by mmdebstrap
 * (Debian bookworm minbase with python3, and with curl and jq), beside a Kiln image this test builds:
 * {@code kiln compare --json --html} on both, the facts checked against GNU tar's own listing of the Debian
 * rootfs. Needs mmdebstrap and the Debian archive (skipped without them, see {@link DebianImages}).
 */
class DebianCompareIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void debianImagesAgainstAKilnImage() throws Exception {
        Tools.require("tar", "apt-get install tar");
        String kiln = kilnImage();
        for (List<String> packages : List.of(List.of("python3"), List.of("curl", "jq"))) {
            String name = "bookworm-" + String.join("-", packages);
            Path tar = DebianImages.minbase(name, packages);
            Path layout = tmp.resolve(name);
            DebianImages.writeLayout(tar, layout, "debian:" + name);
            Path html = tmp.resolve(name + ".html");

            CliRun run = CliRun.of("compare", layout.toString(), kiln, "--json", "--html", html.toString());

            assertThat(run.exitCode()).as(run.err()).isZero();
            JsonNode a = JSON.readTree(run.out()).get("a");
            JsonNode b = JSON.readTree(run.out()).get("b");
            TarListing listing = TarListing.of(tar);
            assertThat(a.get("files").asInt()).isEqualTo(listing.files()).isGreaterThan(1000);
            assertThat(strings(a.get("setuidFiles")))
                    .isEqualTo(listing.setuid())
                    .isNotEmpty();
            assertThat(strings(a.get("shells"))).contains("sh", "bash", "dash");
            assertThat(strings(a.get("packageManagers"))).contains("apt", "dpkg");
            assertThat(a.get("root").asBoolean()).isTrue();
            assertThat(a.get("osPackages").asInt()).isGreaterThan(80);
            assertThat(a.get("oldestPackage").get("built").asText())
                    .isLessThan(a.get("newestPackage").get("built").asText());
            assertThat(a.get("compressedSize").asLong())
                    .isLessThan(a.get("uncompressedSize").asLong());

            assertThat(b.get("files").asInt()).isPositive().isLessThan(20);
            assertThat(b.get("setuidFiles")).isEmpty();
            assertThat(b.get("shells")).isEmpty();
            assertThat(b.get("packageManagers")).isEmpty();
            assertThat(b.get("root").asBoolean()).isFalse();
            assertThat(b.get("compressedSize").asLong()).isPositive();
            assertThat(JSON.readTree(run.out())
                            .get("sizeRatio")
                            .get("compressed")
                            .asDouble())
                    .isLessThan(0.01);

            String page = Files.readString(html, StandardCharsets.UTF_8);
            assertThat(page).contains("<svg").doesNotContain("<script", "src=", "href=");
            Document doc = DocumentBuilderFactory.newInstance()
                    .newDocumentBuilder()
                    .parse(new ByteArrayInputStream(page.getBytes(StandardCharsets.UTF_8)));
            assertThat(doc.getElementsByTagName("svg").getLength()).isOne();
            assertThat(doc.getElementsByTagName("table").item(0).getTextContent())
                    .contains("setuid/setgid files" + listing.setuid().size() + "0");
        }
    }

    /** A distroless-style image: base layout and one program, run as 65532, no shell, no package manager. */
    private String kilnImage() throws Exception {
        ApkSigningKey key = ApkSigningKey.generate(2048, "label.rsa");
        Path repo = tmp.resolve("repo");
        TestPackages.publish(
                repo,
                "x86_64",
                key,
                List.of(
                        TestPackages.apk("kiln-baselayout", "1.0-r0")
                                .builddate(1_700_000_000L)
                                .file("etc/os-release", "ID=kiln\nVERSION_ID=\"2025\"\n", 0644),
                        TestPackages.apk("hello", "2.12-r0")
                                .builddate(1_700_000_000L)
                                .file("usr/bin/hello", "h", 0755)));
        Path pub = tmp.resolve("label.rsa.pub");
        Files.writeString(pub, key.publicKeyPem());
        Path config = tmp.resolve("hello.yaml");
        Files.writeString(config, """
                contents:
                  packages: [kiln-baselayout, hello]
                entrypoint:
                  command: /usr/bin/hello
                accounts:
                  groups: [{groupname: nonroot, gid: 65532}]
                  users: [{username: nonroot, uid: 65532, gid: 65532}]
                  run-as: "65532"
                archs: [amd64]
                """);
        Path out = tmp.resolve("kiln");
        CliRun build = CliRun.of(
                "image",
                "build",
                config.toString(),
                "kiln/hello:latest",
                out.toString(),
                "--repository",
                repo.toString(),
                "--keyring",
                pub.toString());
        assertThat(build.exitCode()).as(build.err()).isZero();
        return out.toString();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /**
     * What GNU tar lists in the rootfs tar, independent of Kiln's reader: regular files and hard links (each a
     * name {@code find -type f} would count), and those whose mode has an {@code s} or {@code S}.
     */
    private record TarListing(int files, List<String> setuid) {
        static TarListing of(Path tar) throws Exception {
            Process p = new ProcessBuilder("tar", "--numeric-owner", "-tvf", tar.toString())
                    .redirectErrorStream(true)
                    .start();
            List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .toList();
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).isZero();
            int files = 0;
            List<String> setuid = new ArrayList<>();
            for (String line : lines) {
                char type = line.charAt(0);
                if (type != '-' && type != 'h') {
                    continue;
                }
                files++;
                if ("sS".indexOf(line.charAt(3)) >= 0 || "sS".indexOf(line.charAt(6)) >= 0) {
                    // mode owner size date time name[ link to target]
                    String name = line.split("\\s+", 6)[5].replaceFirst(" link to .*$", "");
                    setuid.add(name.replaceFirst("^\\./", ""));
                }
            }
            return new TarListing(files, setuid.stream().sorted().toList());
        }
    }
}
