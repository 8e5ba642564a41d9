package dev.kiln.cli;

import dev.kiln.sandbox.Preflight;
import dev.kiln.server.Settings;
import dev.kiln.server.queue.Worker;
import dev.kiln.server.queue.Workers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "worker",
        description = {
            "Build jobs from the build queue that kiln up --storage fills: claim a runnable job (its",
            "dependencies built), build it in the sandbox, store its packages and log under their digests in",
            "--storage and record the digests. Run any number, on any machine that reaches the database and",
            "the storage; a worker that dies loses its lease and its job runs again elsewhere."
        })
final class WorkerCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--database",
            required = true,
            description = "the shared state database: postgresql://user@host:port/db (or sqlite:FILE on one machine)")
    String database;

    @Option(
            names = "--storage",
            required = true,
            description = "where build outputs go: a directory every worker and reconciler reaches, or"
                    + " s3://BUCKET/PREFIX (AWS settings from the environment and ~/.aws, as the AWS CLI reads them),"
                    + " where workers also share the upstream files they fetch")
    String storage;

    @Option(names = "--state-dir", description = "this worker's cache, workspaces and logs (default: ${DEFAULT-VALUE})")
    Path stateDir = Defaults.STATE;

    @Option(
            names = "--package-key",
            description =
                    "the catalog's package signing key, the one kiln up signs with (default: STATE/keys/kiln.rsa)")
    Path packageKey;

    @Option(
            names = "--pipeline-dir",
            description = "directory of pipeline definitions, searched before the built-ins; repeatable")
    List<Path> pipelineDirs = new ArrayList<>();

    @Option(
            names = "--lease",
            description = "seconds a claimed job stays this worker's without a heartbeat (default: ${DEFAULT-VALUE})")
    long leaseSeconds = 60;

    @Option(names = "--name", description = "this worker's name in the queue (default: HOST:PID)")
    String name;

    @Option(names = "--exit-when-idle", description = "stop once no job is queued or running")
    boolean exitWhenIdle;

    @Option(names = "--json", description = "machine-readable output: one JSON object per line")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Output out = Output.of(spec, json);
        if (leaseSeconds < 4) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--lease " + leaseSeconds + ": expected at least 4 seconds");
        }
        Preflight.check(System.getenv());
        Settings settings = Settings.builder()
                .stateDir(stateDir)
                .packageKey(packageKey)
                .pipelineDirs(pipelineDirs)
                .unsignedImages(true)
                .database(database)
                .storage(storage)
                .build(System.getenv());
        Duration lease = Duration.ofSeconds(leaseSeconds);
        // four heartbeats per lease: a worker survives three lost in a row
        Worker.Options options = new Worker.Options(lease, lease.dividedBy(4), Duration.ofSeconds(2), exitWhenIdle);
        String worker = name != null ? name : Worker.processName();
        out.progress(
                "==> worker " + worker + " taking jobs (outputs in " + settings.storage() + ")",
                Output.fields("event", "worker", "name", worker));
        int done = Workers.run(settings, options, worker, out::render);
        out.say("worker " + worker + ": " + done + " jobs");
        out.emit(Output.fields("event", "summary", "jobs", done));
        return 0;
    }
}
