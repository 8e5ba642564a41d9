package dev.kiln.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.apk.FileTree;
import dev.kiln.content.Hashing;
import dev.kiln.testkit.TestPackages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code certificates.additional} and {@code certificates.providers} reach every store apko writes. */
class CertificateStoresTest {
    @TempDir
    Path tmp;

    X509Certificate system;
    X509Certificate extra;
    X509Certificate corporate;

    @BeforeEach
    void setUp() throws Exception {
        Fixtures.repository(tmp);
        Fixtures.publicKey(tmp);
        system = TestCertificates.selfSigned("System Root");
        extra = TestCertificates.selfSigned("Extra Root");
        corporate = TestCertificates.selfSigned("Corporate Root");
        KeyStore cacerts = KeyStore.getInstance("JKS");
        cacerts.load(null, null);
        cacerts.setCertificateEntry("system", system);
        ByteArrayOutputStream jks = new ByteArrayOutputStream();
        cacerts.store(jks, "changeit".toCharArray());
        TestPackages.publish(
                tmp.resolve("certs"),
                "x86_64",
                Fixtures.KEY,
                List.of(
                        TestPackages.apk("ca-certificates-bundle", "1.0-r0")
                                .builddate(Fixtures.BUILD_DATE)
                                .file("etc/ssl/certs/ca-certificates.crt", TestCertificates.pem(system), 0644),
                        TestPackages.apk("java-cacerts", "1.0-r0")
                                .builddate(Fixtures.BUILD_DATE)
                                .file("etc/ssl/certs/java/cacerts", jks.toByteArray(), 0644),
                        TestPackages.apk("corp-ca", "1.0-r0")
                                .builddate(Fixtures.BUILD_DATE)
                                .provides("custom-ca-certificates")
                                .file("usr/local/share/ca-certificates/corp.crt", TestCertificates.pem(corporate), 0644)
                                .file("usr/local/share/ca-certificates/README", "not a certificate", 0644)));
    }

    String config(String packages, String providers) throws Exception {
        return """
                contents:
                  repositories: [./repo, ./certs]
                  keyring: [./kiln-test.rsa.pub]
                  packages: [%s]
                certificates:
                  providers: [%s]
                  additional:
                    - name: extra
                      content: |
                %s""".formatted(packages, providers, TestCertificates.indented(TestCertificates.pem(extra), 10));
    }

    @Test
    void additionalAndProvidedCertificatesGoToTheFileTheBundleTheTrustStoreAndTheChecksums() throws Exception {
        String yaml =
                config("kiln-baselayout, ca-certificates-bundle, java-cacerts, corp-ca", "custom-ca-certificates");
        FileTree tree = Fixtures.build(tmp, yaml).archs().get(0).tree();

        String extraFingerprint = Hashing.sha256Hex(extra.getEncoded());
        String corpFingerprint = Hashing.sha256Hex(corporate.getEncoded());
        assertThat(ImageBuilderTest.text(tree, "usr/local/share/ca-certificates/extra-" + extraFingerprint + ".crt"))
                .isEqualTo(TestCertificates.pem(extra));

        String bundle = ImageBuilderTest.text(tree, "etc/ssl/certs/ca-certificates.crt");
        assertThat(bundle)
                .isEqualTo(TestCertificates.pem(system) + TestCertificates.pem(extra) + "\n"
                        + TestCertificates.pem(corporate) + "\n");
        assertThat(ImageBuilderTest.text(tree, "etc/ssl/certs/.ca-certificates.crt.sha256"))
                .isEqualTo(Hashing.sha256Hex(bundle.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        + "  ca-certificates.crt\n");

        byte[] jks = tree.get("etc/ssl/certs/java/cacerts").orElseThrow().content();
        KeyStore cacerts = KeyStore.getInstance("JKS");
        cacerts.load(new ByteArrayInputStream(jks), "changeit".toCharArray());
        assertThat(Collections.list(cacerts.aliases()))
                .containsExactlyInAnyOrder("system", "extra-" + extraFingerprint, "pkg-" + corpFingerprint);
        assertThat(cacerts.getCertificate("extra-" + extraFingerprint)).isEqualTo(extra);
        assertThat(cacerts.getCreationDate("extra-" + extraFingerprint)
                        .toInstant()
                        .getEpochSecond())
                .as("dated with the image's build time, not the clock")
                .isEqualTo(Fixtures.BUILD_DATE);
        assertThat(ImageBuilderTest.text(tree, "etc/ssl/certs/java/.cacerts.sha256"))
                .isEqualTo(Hashing.sha256Hex(jks) + "  cacerts\n");
    }

    @Test
    void theTrustStoreIsReproducible() throws Exception {
        String yaml =
                config("kiln-baselayout, ca-certificates-bundle, java-cacerts, corp-ca", "custom-ca-certificates");
        ImageBuild a = Fixtures.build(tmp, yaml);
        ImageBuild b = Fixtures.build(tmp, yaml);
        assertThat(a.images().index().descriptor().digest())
                .isEqualTo(b.images().index().descriptor().digest());
    }

    @Test
    void withoutABundlePackageTheMainBundleIsCreated() throws Exception {
        FileTree tree = Fixtures.build(tmp, config("kiln-baselayout, corp-ca", "custom-ca-certificates"))
                .archs()
                .get(0)
                .tree();
        assertThat(ImageBuilderTest.text(tree, "etc/ssl/certs/ca-certificates.crt"))
                .isEqualTo(TestCertificates.pem(extra) + "\n" + TestCertificates.pem(corporate) + "\n");
        assertThat(tree.exists("etc/ssl/certs/java/cacerts")).isFalse();
    }

    @Test
    void aProviderThatNoInstalledPackageProvidesIsAnError() throws Exception {
        assertThatThrownBy(() -> Fixtures.build(tmp, config("kiln-baselayout", "custom-ca-certificates")))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining(
                        "certificates.providers 'custom-ca-certificates': no installed package provides it")
                .hasMessageContaining("contents.packages");
    }

    @Test
    void anAdditionalEntryThatIsNotACertificateIsAnError() throws Exception {
        String yaml = """
                contents:
                  repositories: [./repo]
                  keyring: [./kiln-test.rsa.pub]
                  packages: [kiln-baselayout]
                certificates:
                  additional:
                    - {name: broken, content: "-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\n"}
                """;
        assertThatThrownBy(() -> Fixtures.build(tmp, yaml))
                .hasMessageContaining("certificates.additional 'broken': not a valid X.509 certificate");
    }
}
