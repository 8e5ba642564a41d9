package dev.kiln.cli;

import dev.kiln.server.UpdatePorts;
import dev.kiln.update.RebuildGraph;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "graph", description = "Print the build order of a catalog from build-time dependencies (cycles broken and reported).")
final class GraphCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    RecipeSelection selection;

    @Option(names = "--dot", description = "print Graphviz DOT instead of the order")
    boolean dot;

    @Option(names = "--json", description = "machine-readable output: one JSON object per line")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Output out = Output.of(spec, json);
        List<String> problems = new ArrayList<>();
        RebuildGraph graph = RebuildGraph.of(UpdatePorts.load(selection.files(), List.of(), problems));
        problems.forEach(out::error);
        if (dot) {
            out.say(graph.dot().stripTrailing());
            return problems.isEmpty() ? 0 : 1;
        }
        RebuildGraph.Order order = graph.order();
        order.origins().forEach(out::say);
        order.brokenEdges().forEach(e -> out.say("# cycle broken: " + e.from() + " built before its dependency " + e.to()));
        out.emit(Output.fields("event", "graph", "order", order.origins(), "brokenEdges",
                order.brokenEdges().stream().map(e -> Output.fields("from", e.from(), "to", e.to())).toList()));
        return problems.isEmpty() ? 0 : 1;
    }
}
