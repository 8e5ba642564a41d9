#!/usr/bin/env python3
"""Test-pipeline coverage of the Wolfi corpus: how many recipes' test steps use only pipelines Kiln has.

For every recipe, the steps of its `test:` block and of each subpackage's (nested `pipeline:` lists
included) are collected; a recipe is covered when every `uses:` among them names one of Kiln's built-in
pipelines (kiln-recipe's pipelines/index.txt, of the working tree or of git revision REV). Recipes
whose tests are only `runs:` steps are covered; recipes with no test step are counted apart.

Run: python3 bench/test-pipelines.py [--rev REV] [CORPUS_RECIPES_DIR]   (needs python3-yaml)
"""
import collections
import glob
import os
import subprocess
import sys

import yaml

INDEX = "kiln-recipe/src/main/resources/dev/kiln/recipe/pipelines/index.txt"


def builtins(rev):
    if rev:
        text = subprocess.run(["git", "show", f"{rev}:{INDEX}"], check=True, capture_output=True, text=True).stdout
    else:
        with open(INDEX) as f:
            text = f.read()
    return {line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")}


def uses(steps):
    for step in steps or []:
        if not isinstance(step, dict):
            continue
        if isinstance(step.get("uses"), str):
            yield step["uses"]
        yield from uses(step.get("pipeline"))


def test_steps(recipe):
    blocks = [recipe.get("test")] + [s.get("test") for s in recipe.get("subpackages") or [] if isinstance(s, dict)]
    return [step for b in blocks if isinstance(b, dict) for step in b.get("pipeline") or []]


def main():
    args = sys.argv[1:]
    rev = None
    if args[:1] == ["--rev"]:
        rev, args = args[1], args[2:]
    corpus = args[0] if args else os.path.join(os.path.dirname(__file__), "../../shared/corpora/wolfi-os/recipes")
    have = builtins(rev)
    total = tested = covered = 0
    missing = collections.Counter()
    for path in sorted(glob.glob(os.path.join(corpus, "**/*.yaml"), recursive=True)):
        with open(path) as f:
            try:
                recipe = yaml.safe_load(f)
            except yaml.YAMLError:
                continue
        if not isinstance(recipe, dict) or "package" not in recipe:
            continue
        total += 1
        steps = test_steps(recipe)
        if not steps:
            continue
        tested += 1
        absent = {u for u in uses(steps) if u not in have}
        if absent:
            missing.update(absent)
        else:
            covered += 1
    print(f"recipes: {total}; with test steps: {tested}; "
          f"test steps using only Kiln's pipelines{' at ' + rev if rev else ''}: {covered} "
          f"({100.0 * covered / max(tested, 1):.1f} %)")
    print("most used missing pipelines (recipes):",
          ", ".join(f"{name} {n}" for name, n in missing.most_common(12)))


if __name__ == "__main__":
    main()
