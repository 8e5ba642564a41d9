package dev.kiln.build;

import dev.kiln.apk.ApkSigningKey;
import dev.kiln.recipe.BuildPlan;
import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.Recipes;
import dev.kiln.sandbox.BubblewrapSandbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** A build environment in a temporary folder: recipes, a key, a cache and a repository. */
final class BuildFixture {
    static final String ARCH = "x86_64";
    static final ApkSigningKey KEY = ApkSigningKey.generate(2048);

    final Path root;
    final ApkSigningKey key;
    final Path repository;
    final Path cache;

    BuildFixture(Path root) {
        this(root, KEY);
    }

    BuildFixture(Path root, ApkSigningKey key) {
        this.root = root;
        this.key = key;
        this.repository = root.resolve("packages");
        this.cache = root.resolve("cache");
    }

    /**
     * Writes a recipe of package {@code name} 1.0-r0 (MIT) followed by {@code body}: {@code pipeline:} and the rest,
     * after more fields of {@code package:} indented under it if the recipe needs them.
     */
    Path writeRecipe(String name, String description, String body) {
        return writeRecipe(name, """
                package:
                  name: %s
                  version: "1.0"
                  epoch: 0
                  description: "%s"
                  copyright:
                    - license: MIT
                """.formatted(name, description) + body);
    }

    Path writeRecipe(String name, String yaml) {
        try {
            Path file = Files.createDirectories(root.resolve("recipes")).resolve(name + ".yaml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path writeSourceFile(String packageName, String fileName, String content) throws IOException {
        Path dir = Files.createDirectories(root.resolve("recipes").resolve(packageName));
        Path file = dir.resolve(fileName);
        Files.writeString(file, content);
        return file;
    }

    BuildPlan compile(Path recipe) {
        return Recipes.compile(recipe, List.of(), CompileOptions.forArch(ARCH));
    }

    BuildResult build(Path recipe) {
        return build(recipe, repository, false);
    }

    BuildResult build(Path recipe, Path repo, boolean offline) {
        return build(recipe, repo, offline, null);
    }

    BuildResult build(Path recipe, Path repo, boolean offline, dev.kiln.attest.SigningKey attestKey) {
        return build(recipe, repo, offline, attestKey, 0);
    }

    BuildResult build(
            Path recipe, Path repo, boolean offline, dev.kiln.attest.SigningKey attestKey, long sourceDateEpoch) {
        BuildPlan plan = compile(recipe);
        BuildOptions options = new BuildOptions(
                ARCH,
                repo,
                cache,
                root.resolve("work"),
                root.resolve("logs"),
                key,
                sourceDateEpoch,
                "kiln",
                offline,
                false,
                BuildOptions.sourceDirBeside(recipe, plan.name()),
                BuildListener.NONE,
                attestKey);
        return new PackageBuilder(BubblewrapSandbox.fromEnvironment(System.getenv()), HttpClient.newHttpClient())
                .build(plan, options);
    }

    /** Every file of a directory tree with its SHA-256, to prove a failed build changed nothing. */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        if (!Files.exists(dir)) {
            return files;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                files.put(
                        dir.relativize(p).toString(),
                        dev.kiln.content.Digest.sha256(p).hex());
            }
        }
        return files;
    }
}
