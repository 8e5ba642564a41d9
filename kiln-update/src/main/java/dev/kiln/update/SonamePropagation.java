package dev.kiln.update;

import dev.kiln.apk.ApkIndex;
import dev.kiln.apk.IndexEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * When a rebuilt library stops providing a soname ({@code so:libfoo.so.1} gone, {@code so:libfoo.so.2}
 * new), every published package that depends on the old soname must be rebuilt against the new
 * one: those origins get an epoch bump and a rebuild after the library, in graph order.
 */
public final class SonamePropagation {
    private SonamePropagation() {}

    /** {@code so:} names provided before but not after, ignoring the version part ({@code so:libfoo.so.1=1.0}). */
    public static Set<String> removedSonames(List<String> providedBefore, List<String> providedAfter) {
        Set<String> before = sonames(providedBefore);
        before.removeAll(sonames(providedAfter));
        return before;
    }

    /** Origins of index entries that depend on any of {@code sonames}, excluding {@code libraryOrigin}. */
    public static Set<String> dependents(ApkIndex index, Set<String> sonames, String libraryOrigin) {
        Set<String> out = new TreeSet<>();
        for (IndexEntry e : index.entries()) {
            String origin = e.origin() == null ? e.name() : e.origin();
            if (origin.equals(libraryOrigin)) {
                continue;
            }
            for (String d : e.depends()) {
                if (sonames.contains(RebuildGraph.nameOf(d))) {
                    out.add(origin);
                }
            }
        }
        return out;
    }

    /** What a soname change caused: the origins bumped and rebuilt, in order, with their outcomes. */
    public record Propagation(Set<String> removedSonames, List<String> order, List<RebuildOutcome> outcomes) {
        public Propagation {
            order = List.copyOf(order);
            outcomes = List.copyOf(outcomes);
        }
    }

    /**
     * Epoch-bumps and rebuilds, in graph order, every recipe whose published packages need a
     * removed soname. A dependent with no recipe in the graph is skipped (nothing to rebuild).
     */
    public static Propagation propagate(
            ApkIndex indexBefore,
            String libraryOrigin,
            List<String> providedBefore,
            List<String> providedAfter,
            RebuildGraph graph,
            java.nio.file.Path recipeDir,
            Rebuilder rebuilder) {
        Set<String> removed = removedSonames(providedBefore, providedAfter);
        if (removed.isEmpty()) {
            return new Propagation(removed, List.of(), List.of());
        }
        List<String> known = dependents(indexBefore, removed, libraryOrigin).stream()
                .filter(o -> graph.fileOf(o) != null)
                .toList();
        List<String> order = graph.order(known).origins();
        List<RebuildOutcome> outcomes = new ArrayList<>();
        for (String origin : order) {
            java.nio.file.Path file = recipeDir.resolve(graph.fileOf(origin));
            try {
                String text = java.nio.file.Files.readString(file);
                java.nio.file.Files.writeString(
                        file,
                        RecipeBumper.incrementEpoch(file.getFileName().toString(), text)
                                .text());
            } catch (java.io.IOException e) {
                throw new UpdateException(file.toString(), "cannot bump the epoch: " + e.getMessage(), false, e);
            }
            outcomes.add(rebuilder.rebuild(file));
        }
        return new Propagation(removed, order, outcomes);
    }

    private static Set<String> sonames(List<String> provides) {
        Set<String> out = new TreeSet<>();
        provides.stream()
                .map(RebuildGraph::nameOf)
                .filter(n -> n.startsWith("so:"))
                .forEach(out::add);
        return out;
    }
}
