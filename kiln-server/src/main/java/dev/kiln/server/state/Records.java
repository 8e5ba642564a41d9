package dev.kiln.server.state;

import java.time.Instant;
import java.util.List;

/** What the state store keeps, one record type per table. */
public final class Records {
    private Records() {
    }

    public enum RunStatus { RUNNING, SUCCEEDED, FAILED, INTERRUPTED }

    public enum BuildResult { SUCCEEDED, FAILED }

    /** A reconcile run; {@code owner} is host:pid of the process that ran it. */
    public record Run(long id, String kind, String owner, Instant startedAt, Instant finishedAt, RunStatus status,
                      String summary) {
    }

    /** One recipe built (and tested and published, when {@code result} is SUCCEEDED) during a run. */
    public record Build(long id, long runId, String recipe, String recipeSha256, Instant startedAt, long durationMillis,
                        BuildResult result, List<String> outputs, String logPath, String message) {
        public Build {
            outputs = List.copyOf(outputs);
        }
    }

    /** One image pushed (or found already there) during a run. */
    public record ImagePublication(long id, long runId, String image, String reference, String digest, boolean pushed,
                                   boolean signed, Instant publishedAt) {
    }

    /** One upstream monitor answer during a run. */
    public record UpstreamCheck(long id, long runId, String recipe, String packageName, String currentVersion,
                                String newestVersion, String monitor, String status, String message, Instant checkedAt) {
    }
}
