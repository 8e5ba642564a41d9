package dev.kiln.server.bootstrap;

import dev.kiln.content.AtomicFiles;
import dev.kiln.content.Digest;
import dev.kiln.content.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What one recipe of one stage was built from (a SHA-256 over the recipe, its compiled plan, its local files,
 * the stage's environment packages, the key, the architecture and the source date) and the packages it made,
 * kept as {@code stage-N.inputs/RECIPE.inputs}:
 *
 * <pre>
 * inputs 3f5e…
 * package m4-1.4.19-r0.apk 9a0c…
 * </pre>
 *
 * A recipe whose inputs hash the same and whose packages are still in the stage's repository, byte for byte,
 * is not built again.
 *
 * @param inputs   the hash of the inputs
 * @param packages file name → SHA-256 of each package it made, main package first
 */
record StageInputs(String inputs, Map<String, String> packages) {
    StageInputs {
        packages = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(packages));
    }

    /** The record at {@code file}, or null when there is none or it is unreadable (then the recipe is rebuilt). */
    static @Nullable StageInputs read(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            String inputs = null;
            Map<String, String> packages = new LinkedHashMap<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] words = line.split(" ");
                if (words.length == 2 && words[0].equals("inputs")) {
                    inputs = words[1];
                } else if (words.length == 3 && words[0].equals("package")) {
                    packages.put(words[1], words[2]);
                } else if (!line.isBlank()) {
                    return null;
                }
            }
            return inputs == null ? null : new StageInputs(inputs, packages);
        } catch (IOException e) {
            return null;
        }
    }

    void write(Path file) {
        StringBuilder text = new StringBuilder("inputs ").append(inputs).append('\n');
        packages.forEach((name, sha) ->
                text.append("package ").append(name).append(' ').append(sha).append('\n'));
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file.getParent(), e);
        }
        AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Whether every recorded package is in {@code archDir} with the recorded digest. */
    boolean packagesPresentIn(Path archDir) {
        if (packages.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, String> p : packages.entrySet()) {
            Path file = archDir.resolve(p.getKey());
            if (!Files.isRegularFile(file) || !Digest.sha256(file).hex().equals(p.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** The hash of {@code lines}, one per input, in the order given. */
    static String hash(List<String> lines) {
        return Hashing.sha256Hex((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** One {@code relative-path sha256} line per regular file under {@code dir} (sorted), or none when absent. */
    static List<String> treeLines(@Nullable Path dir) {
        List<String> lines = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return lines;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                lines.add(dir.relativize(f) + " " + Digest.sha256(f).hex());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
        return lines;
    }
}
