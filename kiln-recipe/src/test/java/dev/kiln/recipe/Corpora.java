package dev.kiln.recipe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Locates the shared corpora next to the repository root. */
final class Corpora {
    private Corpora() {}

    static Path shared() {
        return Path.of(System.getProperty("kiln.repo.root", ".."))
                .resolve("../shared")
                .normalize();
    }

    static Path wolfi() {
        return shared().resolve("corpora/wolfi-os");
    }

    static Path melangeExamples() {
        return shared().resolve("corpora/melange-examples");
    }

    static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".yaml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
