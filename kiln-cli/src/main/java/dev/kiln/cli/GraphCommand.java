package dev.kiln.cli;

import dev.kiln.apk.Resolver;
import dev.kiln.recipe.CompileOptions;
import dev.kiln.recipe.PipelineLibrary;
import dev.kiln.recipe.RecipeCompiler;
import dev.kiln.server.UpdatePorts;
import dev.kiln.update.RebuildGraph;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "graph",
        description = "Print the build order of a catalog from build-time dependencies: each recipe's"
                + " compiled environment resolved with its runtime closure (cycles broken and reported).")
final class GraphCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    RecipeSelection selection;

    @Option(
            names = "--pipeline-dir",
            description = "directory of pipeline definitions, searched before the built-ins; repeatable")
    List<Path> pipelineDirs = new ArrayList<>();

    @Option(names = "--arch", description = "architecture the recipes are compiled for (default: ${DEFAULT-VALUE})")
    String arch = Defaults.hostArch();

    @Option(names = "--dot", description = "print Graphviz DOT instead of the order")
    boolean dot;

    @Option(
            names = "--why",
            arity = "2",
            paramLabel = "RECIPE",
            description = "print the chain of dependencies that puts the second recipe before the first")
    List<String> why = new ArrayList<>();

    @Option(names = "--unresolved", description = "list the environment atoms no recipe of the catalog provides")
    boolean unresolved;

    @Option(names = "--json", description = "machine-readable output: one JSON object per line")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Output out = Output.of(spec, json);
        List<String> problems = new ArrayList<>();
        RebuildGraph graph = RebuildGraph.of(
                UpdatePorts.load(selection.files(), pipelineDirs, problems),
                new RecipeCompiler(PipelineLibrary.withBuiltins(pipelineDirs)),
                CompileOptions.forArch(arch));
        problems.forEach(out::error);
        graph.problems()
                .forEach((origin, messages) -> messages.forEach(
                        m -> out.error(m + " (" + origin + " is ordered without its build dependencies)")));
        int status = problems.isEmpty() && graph.problems().isEmpty() ? 0 : 1;
        if (!why.isEmpty()) {
            return why(out, graph, why.get(0), why.get(1)) ? status : 1;
        }
        if (dot) {
            out.say(graph.dot().stripTrailing());
            return status;
        }
        RebuildGraph.Order order = graph.order();
        order.origins().forEach(out::say);
        for (RebuildGraph.Cycle c : order.cycles()) {
            out.say("# cycle " + c + ": " + c.broken().from() + " is built before its dependency "
                    + c.broken().to() + (c.bootstrap() ? " (a bootstrap package)" : ""));
        }
        Map<String, List<String>> missing = new LinkedHashMap<>();
        for (String origin : order.origins()) {
            List<String> reasons = graph.unresolved(origin).stream()
                    .map(Resolver.Unresolved::reason)
                    .toList();
            if (!reasons.isEmpty()) {
                missing.put(origin, reasons);
            }
        }
        if (unresolved) {
            missing.forEach((origin, reasons) -> reasons.forEach(r -> out.say("# unresolved in " + origin + ": " + r)));
        } else if (!missing.isEmpty()) {
            out.say("# " + missing.values().stream().mapToInt(List::size).sum() + " environment atoms of "
                    + missing.size()
                    + " recipes resolve to no recipe of the catalog (external, or names only a build's SCA finds);"
                    + " --unresolved lists them");
        }
        out.emit(Output.fields(
                "event",
                "graph",
                "order",
                order.origins(),
                "cycles",
                order.cycles().stream()
                        .map(c -> Output.fields(
                                "members",
                                c.members(),
                                "broken",
                                Output.fields(
                                        "from",
                                        c.broken().from(),
                                        "to",
                                        c.broken().to()),
                                "bootstrap",
                                c.bootstrap()))
                        .toList(),
                "brokenEdges",
                order.brokenEdges().stream()
                        .map(e -> Output.fields("from", e.from(), "to", e.to()))
                        .toList(),
                "unresolved",
                missing));
        return status;
    }

    private static boolean why(Output out, RebuildGraph graph, String from, String to) {
        for (String recipe : List.of(from, to)) {
            if (graph.fileOf(recipe) == null) {
                out.error("--why: no recipe named '" + recipe + "' in the catalog");
                return false;
            }
        }
        List<RebuildGraph.Hop> hops = graph.why(from, to);
        boolean testsNeed = graph.testDependenciesOf(from).contains(to);
        if (hops.isEmpty()) {
            out.say(from + " does not need " + to + " at build time"
                    + (testsNeed ? "; its tests' environments do, so it is built after " + to : ""));
        } else {
            out.say(from + " needs " + to + ":");
        }
        Set<RebuildGraph.Edge> broken =
                hops.isEmpty() ? Set.of() : new HashSet<>(graph.order().brokenEdges());
        for (RebuildGraph.Hop h : hops) {
            StringBuilder line = new StringBuilder("  " + h.from() + ": environment");
            for (int i = 0; i < h.links().size(); i++) {
                RebuildGraph.Link l = h.links().get(i);
                line.append(i == 0 ? " '" : ", which depends on '")
                        .append(l.atom())
                        .append("' → ")
                        .append(l.resolvedTo());
            }
            line.append(" (recipe ").append(h.to()).append(')');
            if (broken.contains(new RebuildGraph.Edge(h.from(), h.to()))) {
                line.append(" [cycle broken here: built against the published ")
                        .append(h.to())
                        .append(']');
            }
            out.say(line.toString());
        }
        out.emit(Output.fields(
                "event",
                "why",
                "from",
                from,
                "to",
                to,
                "testsNeed",
                testsNeed,
                "hops",
                hops.stream()
                        .map(h -> Output.fields(
                                "from",
                                h.from(),
                                "to",
                                h.to(),
                                "links",
                                h.links().stream()
                                        .map(l -> Output.fields("atom", l.atom(), "resolvedTo", l.resolvedTo()))
                                        .toList()))
                        .toList()));
        return true;
    }
}
