package dev.kiln.update;

import dev.kiln.recipe.BuildPlan;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.eclipse.jgit.api.Git;

/** Downloads over loopback and checks git sources out with JGit; the CLI's implementation uses the build's cache. */
final class TestSources implements UpstreamSources {
    private final Path dir;
    int downloads;

    TestSources(Path dir) {
        this.dir = dir;
    }

    @Override
    public Download download(String uri) {
        try {
            downloads++;
            byte[] body = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofByteArray())
                    .body();
            Path file = Files.createTempFile(Files.createDirectories(dir), "dl-", "");
            Files.write(file, body);
            return new Download(file, hex("SHA-256", body), hex("SHA-512", body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void unpack(BuildPlan plan, Path into) {
        for (var s : plan.sources()) {
            if (s instanceof dev.kiln.recipe.GitCheckoutStep g) {
                try (Git git = Git.cloneRepository()
                        .setURI(g.repository())
                        .setDirectory(into.toFile())
                        .call()) {
                    git.checkout().setName("refs/tags/" + g.tag()).call();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return;
            }
        }
        throw new IllegalStateException("test sources unpack git only");
    }

    static String hex(String alg, byte[] body) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(alg).digest(body));
    }
}
