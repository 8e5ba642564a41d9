package dev.kiln.server.kubernetes;

import org.jspecify.annotations.Nullable;

/**
 * How a build's Job ended when its script succeeded.
 *
 * @param jobName the Job that ran the build
 * @param podName the pod that ran it, or null when the cluster no longer lists it
 * @param workspace the build's workspace on the shared volume, as Kiln sees it: its outputs are there
 */
public record RunOutcome(String jobName, @Nullable String podName, java.nio.file.Path workspace) {}
