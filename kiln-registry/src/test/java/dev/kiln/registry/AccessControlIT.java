package dev.kiln.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.content.Digest;
import dev.kiln.oci.ImageReference;
import dev.kiln.oci.distribution.Credentials;
import dev.kiln.oci.distribution.DistributionException;
import dev.kiln.oci.distribution.RegistryClient;
import dev.kiln.registry.internal.Htpasswd;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** htpasswd, per-repository grants, the token flow docker and skopeo use, and the refusals. */
class AccessControlIT {
    @TempDir
    Path tmp;

    RegistryServer server;
    Http http;
    String host;

    Path htpasswd;
    AccessPolicy policy;

    @BeforeEach
    void start() throws Exception {
        htpasswd = tmp.resolve("htpasswd");
        Files.writeString(
                htpasswd,
                "alice:" + OpenBSDBCrypt.generate("2y", "s3cret".toCharArray(), new byte[16], 5) + "\n" + "reader:"
                        + OpenBSDBCrypt.generate("2y", "readonly".toCharArray(), new byte[16], 5) + "\n");
        policy = AccessPolicy.parse("""
                anonymous public/* pull
                alice * *
                reader * pull
                """, "test");
        server = new RegistryServer(RegistryConfig.builder(tmp.resolve("root"))
                        .htpasswd(htpasswd)
                        .access(policy)
                        .build())
                .start();
        host = "127.0.0.1:" + server.port();
        http = new Http("http://" + host);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    void restart(RegistryConfig.Builder config) {
        server.close();
        server = new RegistryServer(config.htpasswd(htpasswd).access(policy).build()).start();
        host = "127.0.0.1:" + server.port();
        http = new Http("http://" + host);
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A clock the test moves by hand. */
    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void metricsNeedALoginUnlessMadePublic() throws Exception {
        HttpResponse<byte[]> anonymous = http.send("GET", "/metrics", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(Http.errorCode(anonymous)).isEqualTo("UNAUTHORIZED");
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"kiln-registry\"");
        assertThat(new String(anonymous.body(), StandardCharsets.UTF_8)).doesNotContain("kiln_registry_requests_total");
        assertThat(http.basic("alice", "wrong").send("GET", "/metrics", null).statusCode())
                .isEqualTo(401);
        HttpResponse<byte[]> reader = http.basic("reader", "readonly").send("GET", "/metrics", null);
        assertThat(reader.statusCode()).isEqualTo(200);
        assertThat(new String(reader.body(), StandardCharsets.UTF_8)).contains("kiln_registry_requests_total");

        restart(RegistryConfig.builder(tmp.resolve("root")).metricsPublic(true));
        assertThat(http.send("GET", "/metrics", null).statusCode()).isEqualTo(200);
    }

    @Test
    void anUnknownUserCostsABcryptLikeAWrongPassword() {
        Htpasswd file = Htpasswd.load(htpasswd);
        assertThat(file.check("alice", "wrong")).isFalse();
        assertThat(file.verifications()).isEqualTo(1);
        // Without a dummy verification this answer came back ~30x sooner and told that mallory does not exist.
        assertThat(file.check("mallory", "guess")).isFalse();
        assertThat(file.verifications()).isEqualTo(2);
        assertThat(file.check("alice", "s3cret")).isTrue();
        assertThat(file.verifications()).isEqualTo(3);
    }

    @Test
    void failedLoginsAreLimitedPerClientAddress() throws Exception {
        MovableClock clock = new MovableClock();
        restart(RegistryConfig.builder(tmp.resolve("root"))
                .clock(clock)
                .limits(ClientLimits.defaults().withFailedLoginsPerMinute(3)));
        for (int i = 0; i < 3; i++) {
            assertThat(http.basic("alice", "guess" + i)
                            .send("GET", "/v2/", null)
                            .statusCode())
                    .isEqualTo(401);
        }
        // The bucket is empty: no more bcrypt for this address, not even for the right password.
        HttpResponse<byte[]> throttled = http.basic("alice", "s3cret").send("GET", "/v2/", null);
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(Http.errorCode(throttled)).isEqualTo("TOOMANYREQUESTS");
        assertThat(throttled.headers().firstValue("Retry-After")).hasValue("20");
        assertThat(http.basic("alice", "s3cret")
                        .send("GET", "/token?scope=repository:app:pull", null)
                        .statusCode())
                .isEqualTo(429);
        // Another client is not affected.
        assertThat(RawHttp.send(
                                "127.0.0.2",
                                server.port(),
                                "GET",
                                "/v2/",
                                null,
                                "Authorization",
                                basic("alice", "s3cret"))
                        .status())
                .isEqualTo(200);
        // One token comes back every 20 s; right passwords do not use it up.
        clock.now = clock.now.plusSeconds(20);
        for (int i = 0; i < 3; i++) {
            assertThat(http.basic("alice", "s3cret").send("GET", "/v2/", null).statusCode())
                    .isEqualTo(200);
        }
        assertThat(http.basic("alice", "guess").send("GET", "/v2/", null).statusCode())
                .isEqualTo(401);
        assertThat(http.basic("alice", "s3cret").send("GET", "/v2/", null).statusCode())
                .isEqualTo(429);
    }

    void pushImage(String repo, String tag) {
        RegistryClient client = new RegistryClient(HttpClient.newHttpClient(), new Credentials("alice", "s3cret"));
        byte[] config = TestContent.config("amd64");
        byte[] layer = TestContent.random(9, 4000);
        ImageReference ref = ImageReference.parse(host + "/" + repo + ":" + tag);
        client.pushBlob(ref, Digest.sha256(config), config.length, () -> new ByteArrayInputStream(config));
        client.pushBlob(ref, Digest.sha256(layer), layer.length, () -> new ByteArrayInputStream(layer));
        client.pushManifest(ref, TestContent.OCI_MANIFEST, TestContent.manifest(config, layer));
    }

    @Test
    void unauthenticatedPushIsChallenged() {
        HttpResponse<byte[]> r = http.send("POST", "/v2/app/blobs/uploads/", null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(Http.errorCode(r)).isEqualTo("UNAUTHORIZED");
        assertThat(r.headers().firstValue("WWW-Authenticate"))
                .hasValue("Bearer realm=\"http://" + host
                        + "/token\",service=\"kiln-registry\",scope=\"repository:app:pull,push\"");
        assertThat(http.send("GET", "/v2/", null).statusCode()).isEqualTo(401);
        assertThat(server.storage().uploads()).isEmpty();
    }

    @Test
    void wrongPasswordIsRefusedAndNeverEchoed() {
        HttpResponse<byte[]> r = http.basic("alice", "wrong-password").send("POST", "/v2/app/blobs/uploads/", null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(Http.errorCode(r)).isEqualTo("UNAUTHORIZED");
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).doesNotContain("wrong-password");
        assertThat(http.basic("alice", "wrong-password")
                        .send("GET", "/token?scope=repository:app:push", null)
                        .statusCode())
                .isEqualTo(401);
        RegistryClient client = new RegistryClient(HttpClient.newHttpClient(), new Credentials("alice", "nope"));
        assertThatThrownBy(() -> client.blobExists(ImageReference.parse(host + "/app"), Digest.sha256(new byte[0])))
                .isInstanceOf(DistributionException.class)
                .hasMessageContaining("401")
                .hasMessageNotContaining("nope");
        assertThat(server.storage().uploads()).isEmpty();
    }

    @Test
    void readerCannotDeleteATag() {
        pushImage("app", "v1");
        HttpResponse<byte[]> r = http.basic("reader", "readonly").send("DELETE", "/v2/app/manifests/v1", null);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(Http.errorCode(r)).isEqualTo("DENIED");
        assertThat(http.basic("reader", "readonly")
                        .send("GET", "/v2/app/manifests/v1", null)
                        .statusCode())
                .isEqualTo(200);
        assertThat(server.storage().tags("app")).containsExactly("v1");
    }

    @Test
    void anonymousPullFollowsThePolicyPerRepository() {
        pushImage("public/base", "v1");
        pushImage("private/app", "v1");
        RegistryClient anonymous = new RegistryClient(HttpClient.newHttpClient(), null);
        assertThat(anonymous.listTags(ImageReference.parse(host + "/public/base")))
                .containsExactly("v1");
        assertThatThrownBy(() -> anonymous.listTags(ImageReference.parse(host + "/private/app")))
                .isInstanceOf(DistributionException.class)
                .hasMessageContaining("401");
        assertThat(http.send("GET", "/v2/private/app/tags/list", null).statusCode())
                .isEqualTo(401);
    }

    @Test
    void skopeoUsesTheTokenFlow() throws Exception {
        Path layout = tmp.resolve("src");
        byte[] manifest = OciLayoutFixture.singleArch(layout, 3, 1, 1000);
        SkopeoInteropIT.skopeo(
                "copy",
                "--dest-tls-verify=false",
                "--dest-creds",
                "alice:s3cret",
                "oci:" + layout + ":v1",
                "docker://" + host + "/public/img:v1");
        String raw =
                SkopeoInteropIT.skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + host + "/public/img:v1");
        assertThat(raw.getBytes(StandardCharsets.UTF_8)).isEqualTo(manifest);
        RegistryClient reader = new RegistryClient(HttpClient.newHttpClient(), new Credentials("reader", "readonly"));
        assertThat(reader.getManifest(ImageReference.parse(host + "/public/img:v1"), List.of(TestContent.OCI_MANIFEST))
                        .body())
                .isEqualTo(manifest);
        assertThatThrownBy(() -> reader.pushManifest(
                        ImageReference.parse(host + "/public/img:v2"), TestContent.OCI_MANIFEST, manifest))
                .isInstanceOf(DistributionException.class);
    }
}
