package dev.kiln.recipe.internal;

import dev.kiln.recipe.BuildPlan;

/** Placeholder replaced below. */
public final class PlanYaml {
  private PlanYaml() {
  }

  public static String render(BuildPlan plan) {
    return "";
  }
}
