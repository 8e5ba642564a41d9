package dev.kiln.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** How every command lists a catalog directory (recipes or image configs): its {@code *.yaml} files in name order. */
final class CatalogFiles {
    private CatalogFiles() {}

    static List<Path> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".yaml") && Files.isRegularFile(p))
                    .sorted()
                    .toList();
        }
    }
}
