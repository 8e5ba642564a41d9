package dev.kiln.recipe.internal;

import dev.kiln.content.Problem;
import dev.kiln.recipe.Condition;
import dev.kiln.recipe.InputSpec;
import dev.kiln.recipe.PipelineDefinition;
import dev.kiln.recipe.PipelineLibrary;
import dev.kiln.recipe.PipelineStep;
import dev.kiln.recipe.RecipeException;
import dev.kiln.recipe.ShellStep;
import dev.kiln.recipe.SourceMap;
import dev.kiln.recipe.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Compiles pipeline steps into flat {@link Step}s: evaluates {@code if}, inlines {@code uses}
 * (validating inputs), substitutes everything and strips comments (recipes.md sections 5 and 6.2).
 * Problems are located at the recipe step that led to them.
 */
final class StepCompiler {
    static final String HOME = "/home/build";
    private static final int MAX_DEPTH = 32;

    private final PipelineLibrary library;
    private final SourceMap map;
    private final List<Problem> problems;

    StepCompiler(PipelineLibrary library, SourceMap map, List<Problem> problems) {
        this.library = library;
        this.map = map;
        this.problems = problems;
    }

    /** Where a step sits: the recipe step that anchors errors, the label prefix inside definitions. */
    private record Scope(
            Map<String, String> vars,
            String workdir,
            Map<String, String> env,
            @Nullable String anchor,
            @Nullable String labelPrefix,
            int depth,
            boolean soleStep) {}

    /** Compiles recipe-level steps, adding every package they need to {@code needs}. */
    List<Step> compile(List<PipelineStep> steps, Map<String, String> vars, Set<String> needs) {
        List<Step> out = new ArrayList<>();
        Scope scope = new Scope(vars, HOME, Map.of(), null, null, 0, false);
        for (PipelineStep s : steps) {
            step(s, scope, out, needs);
        }
        return out;
    }

    private boolean step(PipelineStep s, Scope parent, List<Step> out, Set<String> needs) {
        String anchor = parent.anchor() == null ? s.path() : parent.anchor();
        String where = parent.anchor() == null ? s.path() : parent.labelPrefix() + " > " + s.path();
        if (s.uses() != null) {
            where += " '" + s.uses() + "'";
        }
        Map<String, String> vars = parent.vars();
        if (s.ifCondition() != null && !condition(s.ifCondition(), vars, anchor, where)) {
            return false;
        }
        String workdir = parent.workdir();
        if (s.workingDirectory() != null) {
            String wd = subst(s.workingDirectory(), vars, anchor, where).strip();
            workdir = wd.startsWith("/") ? wd : wd.isEmpty() || wd.equals(".") ? HOME : HOME + "/" + wd;
        }
        Map<String, String> env = parent.env();
        if (!s.environment().isEmpty()) {
            env = new LinkedHashMap<>(parent.env());
            for (Map.Entry<String, String> e : s.environment().entrySet()) {
                env.put(e.getKey(), subst(e.getValue(), vars, anchor, where));
            }
        }
        String label = label(s, parent, vars);
        for (String need : s.needs()) {
            needs.add(subst(need, vars, anchor, where));
        }
        if (s.uses() != null) {
            uses(s, parent, vars, workdir, env, anchor, where, label, out, needs);
            return true;
        }
        if (s.runs() != null) {
            String script = ScriptText.stripComments(subst(s.runs(), vars, anchor, where));
            out.add(new ShellStep(label, script, workdir, env));
        }
        if (!s.pipeline().isEmpty()) {
            Scope child = new Scope(vars, workdir, env, parent.anchor(), parent.labelPrefix(), parent.depth(), false);
            int ran = 0;
            for (PipelineStep c : s.pipeline()) {
                if (step(c, child, out, needs)) {
                    ran++;
                }
            }
            if (s.requiredSteps() != null && ran < s.requiredSteps()) {
                problem(
                        anchor,
                        where + ": assertions.required-steps is " + s.requiredSteps() + " but only " + ran
                                + " nested step(s) run");
            }
        }
        return true;
    }

    private void uses(
            PipelineStep s,
            Scope parent,
            Map<String, String> vars,
            String workdir,
            Map<String, String> env,
            String anchor,
            String where,
            String label,
            List<Step> out,
            Set<String> needs) {
        if (parent.depth() >= MAX_DEPTH) {
            problem(
                    anchor,
                    where + ": pipelines nest deeper than " + MAX_DEPTH + " levels (a definition uses itself?)");
            return;
        }
        Optional<PipelineDefinition> found;
        try {
            found = library.find(Objects.requireNonNull(s.uses(), "uses() runs only for a step with 'uses'"));
        } catch (RecipeException e) {
            problem(anchor, where + ": " + e.problems().get(0));
            return;
        }
        if (found.isEmpty()) {
            problem(
                    anchor,
                    where + ": pipeline '" + s.uses() + "' not found in " + library.directories()
                            + " nor among the built-in pipelines");
            return;
        }
        PipelineDefinition def = found.get();
        Map<String, String> inputs = inputs(def, s, vars, anchor, where);
        Map<String, String> inner = new HashMap<>(vars.size() + inputs.size());
        vars.forEach((k, v) -> {
            if (!k.startsWith("inputs.")) {
                inner.put(k, v);
            }
        });
        inputs.forEach((k, v) -> inner.put("inputs." + k, v));
        for (String need : def.needs()) {
            needs.add(subst(need, inner, anchor, where + " needs"));
        }
        if (def.builtin() && def.name().equals("fetch")) {
            out.add(NativeSteps.fetch(label, where, inputs, workdir, m -> problem(anchor, m)));
            return;
        }
        if (def.builtin() && def.name().equals("git-checkout")) {
            out.add(NativeSteps.gitCheckout(label, where, inputs, workdir, m -> problem(anchor, m)));
            return;
        }
        Scope child = new Scope(
                inner,
                workdir,
                env,
                anchor,
                label,
                parent.depth() + 1,
                def.pipeline().size() == 1);
        for (PipelineStep c : def.pipeline()) {
            step(c, child, out, needs);
        }
    }

    private Map<String, String> inputs(
            PipelineDefinition def, PipelineStep s, Map<String, String> vars, String anchor, String where) {
        for (String k : s.with().keySet()) {
            if (!def.inputs().containsKey(k)) {
                problem(
                        anchor + ".with." + k,
                        where + ": undefined input '" + k + "' to pipeline '" + def.name() + "' (declared: "
                                + String.join(
                                        ", ",
                                        new java.util.TreeSet<>(def.inputs().keySet())) + ")");
            }
        }
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, InputSpec> e : def.inputs().entrySet()) {
            String k = e.getKey();
            String v = s.with().get(k);
            v = v == null ? "" : subst(v, vars, anchor, where);
            if (v.isEmpty() && e.getValue().defaultValue() != null) {
                v = subst(e.getValue().defaultValue(), vars, anchor, where + " default of input '" + k + "'");
            }
            if (v.isEmpty() && e.getValue().required()) {
                problem(anchor, where + ": missing required input '" + k + "' to pipeline '" + def.name() + "'");
            }
            out.put(k, v);
        }
        return out;
    }

    private String label(PipelineStep s, Scope parent, Map<String, String> vars) {
        String prefix = parent.labelPrefix();
        if (parent.soleStep() && s.name() == null && prefix != null) {
            return prefix; // the only step of a definition is named after its 'uses' (a sole step always has a prefix)
        }
        // A name is only a label: melange leaves unknown references in it alone (py/collect-wheels).
        String own = s.name() != null
                ? Substitution.apply(s.name(), vars::get, true)
                : s.uses() != null ? s.path() + " uses " + s.uses() : s.path();
        return prefix == null ? own : prefix + " > " + own;
    }

    private boolean condition(String expr, Map<String, String> vars, String anchor, String where) {
        try {
            return Condition.evaluate(expr, vars);
        } catch (RecipeException e) {
            problem(anchor + ".if", where + ": " + e.problems().get(0).message());
            return false;
        }
    }

    String subst(String text, Map<String, String> vars, String anchor, String where) {
        try {
            return Substitution.apply(text, vars::get, false);
        } catch (Substitution.UnknownVariable e) {
            problem(anchor, where + ": unknown variable ${{" + e.name() + "}}");
            return text;
        } catch (Substitution.Unterminated e) {
            problem(anchor, where + ": " + e.getMessage());
            return text;
        }
    }

    private void problem(String path, String message) {
        problems.add(map.problem(path, message));
    }
}
