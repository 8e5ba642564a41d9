package dev.kiln.server;

import dev.kiln.update.Backoff;
import dev.kiln.update.GitHubMonitor;
import dev.kiln.update.GitTagMonitor;
import dev.kiln.update.HttpDirectoryMonitor;
import dev.kiln.update.ReleaseMonitoringMonitor;
import dev.kiln.update.UpdateChecker;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;

/** The upstream monitors Kiln asks, in the order it asks them; one list for every command and the reconciler. */
public final class UpstreamMonitors {
    private UpstreamMonitors() {}

    /** {@code env} supplies {@code GITHUB_TOKEN}. */
    public static UpdateChecker checker(HttpClient http, Settings.Upstreams upstreams, Map<String, String> env) {
        return new UpdateChecker(List.of(
                new GitTagMonitor(Backoff.DEFAULT),
                new GitHubMonitor(http, upstreams.githubApi(), env, Backoff.DEFAULT),
                new ReleaseMonitoringMonitor(http, upstreams.releaseMonitoringApi(), Backoff.DEFAULT),
                new HttpDirectoryMonitor(http, Backoff.DEFAULT)));
    }
}
