package dev.kiln.server.bootstrap.internal;

import dev.kiln.server.bootstrap.BootstrapPlan;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Reads a bootstrap plan strictly: unknown keys, wrong types and missing recipes are all reported. */
public final class PlanReader {
    /** What the file says, and every problem found in it. */
    public record Plan(String name, List<Path> recipes, List<String> testPackages, List<String> problems) {}

    private final Path file;
    private final List<String> problems = new ArrayList<>();

    private PlanReader(Path file) {
        this.file = file;
    }

    public static Plan read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new Plan(
                    "", List.of(), List.of(), List.of("bootstrap plan " + file + ": cannot read: " + e.getMessage()));
        }
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (RuntimeException e) {
            return new Plan(
                    "", List.of(), List.of(), List.of("bootstrap plan " + file + ": invalid YAML: " + e.getMessage()));
        }
        return new PlanReader(file).plan(root);
    }

    private Plan plan(Node root) {
        if (!(root instanceof MappingNode map)) {
            problem(root, "expected a mapping with name, stage1 and recipes");
            return new Plan("", List.of(), List.of(), problems);
        }
        String name = null;
        String stage1 = null;
        List<Path> recipes = new ArrayList<>();
        List<String> testPackages = new ArrayList<>();
        Node recipesNode = null;
        for (NodeTuple t : map.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "";
            switch (key) {
                case "name" -> name = scalar(t.getValueNode(), "name");
                case "stage1" -> stage1 = scalar(t.getValueNode(), "stage1");
                case "recipes" -> {
                    recipesNode = t.getValueNode();
                    recipes = recipes(t.getValueNode());
                }
                case "test-package-append" -> testPackages = names(t.getValueNode(), "test-package-append");
                default ->
                    problem(
                            t.getKeyNode(),
                            "unknown key '" + key + "'; expected one of name, stage1, recipes, test-package-append");
            }
        }
        if (name == null || name.isBlank()) {
            problem(root, "'name' is required");
        }
        if (stage1 == null) {
            problem(
                    root,
                    "'stage1: " + BootstrapPlan.HOST_TOOLCHAIN + "' is required: the plan must say that stage 1"
                            + " builds with the host's toolchain");
        } else if (!stage1.equals(BootstrapPlan.HOST_TOOLCHAIN)) {
            problem(root, "stage1 must be '" + BootstrapPlan.HOST_TOOLCHAIN + "', got '" + stage1 + "'");
        }
        if (recipesNode == null || (recipes.isEmpty() && problems.isEmpty())) {
            problem(recipesNode == null ? root : recipesNode, "'recipes' must list at least one recipe file");
        }
        return new Plan(name == null ? "" : name, recipes, testPackages, problems);
    }

    private List<String> names(Node node, String what) {
        List<String> names = new ArrayList<>();
        if (!(node instanceof SequenceNode seq)) {
            problem(node, what + ": expected a list of package names");
            return names;
        }
        for (Node item : seq.getValue()) {
            String value = scalar(item, what + " entry");
            if (value != null) {
                names.add(value);
            }
        }
        return names;
    }

    private List<Path> recipes(Node node) {
        List<Path> recipes = new ArrayList<>();
        if (!(node instanceof SequenceNode seq)) {
            problem(node, "recipes: expected a list of recipe files");
            return recipes;
        }
        Set<String> seen = new HashSet<>();
        for (Node item : seq.getValue()) {
            String value = scalar(item, "recipes entry");
            if (value == null) {
                continue;
            }
            Path recipe = Objects.requireNonNull(
                            file.toAbsolutePath().getParent(), "an absolute file path has a parent")
                    .resolve(value)
                    .normalize();
            if (!seen.add(BootstrapPlan.recipeName(recipe))) {
                problem(item, "recipe '" + value + "' is listed twice");
            } else if (!Files.isRegularFile(recipe)) {
                problem(item, "recipe '" + value + "' not found (expected " + recipe + ")");
            } else {
                recipes.add(recipe);
            }
        }
        return recipes;
    }

    private @Nullable String scalar(Node node, String what) {
        if (node instanceof ScalarNode s) {
            return s.getValue();
        }
        problem(node, what + ": expected a string");
        return null;
    }

    private void problem(Node node, String message) {
        problems.add(file + ":" + (node.getStartMark().getLine() + 1) + ":"
                + (node.getStartMark().getColumn() + 1) + ": " + message);
    }
}
