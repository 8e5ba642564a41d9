package dev.kiln.recipe;

import dev.kiln.content.Position;
import dev.kiln.content.Problem;
import java.util.Map;
import java.util.Optional;

/**
 * Where each value of a recipe sits in its file, keyed by path such as {@code package.version}
 * or {@code pipeline[2].with.uri}. Compile errors and lint findings use it to point at a line.
 */
public record SourceMap(String file, Map<String, Position> positions) {
    public SourceMap {
        positions = java.util.Collections.unmodifiableMap(positions); // built once by the loader, never shared
    }

    public Optional<Position> find(String path) {
        return Optional.ofNullable(positions.get(path));
    }

    /** The position of {@code path}, or of its closest enclosing value that has one. */
    public Position nearest(String path) {
        String p = path;
        while (!p.isEmpty()) {
            Position pos = positions.get(p);
            if (pos != null) {
                return pos;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut <= 0 ? "" : p.substring(0, cut);
        }
        return positions.getOrDefault("", Position.UNKNOWN);
    }

    public Problem problem(String path, String message) {
        Position pos = nearest(path);
        return new Problem(file, pos.line(), pos.column(), message);
    }
}
