package dev.kiln.cli;

import dev.kiln.objects.S3Location;
import dev.kiln.registry.AccessPolicy;
import dev.kiln.registry.ClientLimits;
import dev.kiln.registry.GarbageCollector;
import dev.kiln.registry.RegistryConfig;
import dev.kiln.registry.RegistryServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "registry",
        description = "Run Kiln's OCI registry, or collect its garbage.",
        subcommands = {RegistryCommand.Serve.class, RegistryCommand.Gc.class})
final class RegistryCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Durations as people write them: 90s, 30m, 2h, 7d (or ISO-8601 such as PT1H). Anything else is refused
     * with the option's name and the value, so a typo in one flag of many is found at once.
     */
    static Duration duration(String option, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            if (t.length() >= 2) {
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                Duration unit = switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(1);
                    case 'm' -> Duration.ofMinutes(1);
                    case 'h' -> Duration.ofHours(1);
                    case 'd' -> Duration.ofDays(1);
                    default -> Duration.ZERO;
                };
                if (!unit.isZero()) {
                    return unit.multipliedBy(n);
                }
            }
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            // refused below with the option's name
        }
        throw new IllegalArgumentException(
                option + ": expected a duration such as 90s, 30m, 2h, 7d or PT1H, got '" + text + "'");
    }

    /**
     * Where the registry keeps its content: {@code --root DIR}, or {@code --storage} with a folder or
     * {@code s3://BUCKET/PREFIX} (AWS settings from the environment and ~/.aws, as the AWS CLI reads them).
     */
    static final class StorageOptions {
        @Option(names = "--root", description = "storage folder")
        @Nullable
        Path root;

        @Option(
                names = "--storage",
                description = "storage folder, or s3://BUCKET/PREFIX for S3-compatible object storage; endpoint,"
                        + " region and credentials from AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID,"
                        + " AWS_SECRET_ACCESS_KEY or ~/.aws")
        @Nullable
        String storage;

        RegistryConfig.Builder builder() {
            if ((root == null) == (storage == null)) {
                throw new IllegalArgumentException(
                        "give the registry's storage once: --root DIR or --storage DIR|s3://BUCKET/PREFIX");
            }
            if (storage != null && storage.startsWith("s3://")) {
                return RegistryConfig.builder(S3Location.parse(storage), System.getenv());
            }
            return RegistryConfig.builder(root != null ? root : Path.of(storage));
        }

        String describe() {
            return root != null
                    ? root.toString()
                    : Objects.requireNonNull(storage, "builder() accepts exactly one of --root and --storage");
        }
    }

    @Command(name = "serve", description = "Serve the OCI distribution API from its storage until interrupted.")
    static final class Serve implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--addr", description = "HOST:PORT to listen on (default: ${DEFAULT-VALUE})")
        String addr = "127.0.0.1:5000";

        @picocli.CommandLine.ArgGroup(exclusive = false, multiplicity = "1")
        StorageOptions storage;

        @Option(
                names = "--redirect-pulls",
                description = "answer blob GETs with a 307 to a presigned storage URL valid this long, e.g. 20m,"
                        + " so clients fetch blobs from S3 directly (default: off; S3 storage only)")
        @Nullable
        String redirectPulls;

        @Option(names = "--htpasswd", description = "bcrypt htpasswd file; without it the registry is open to all")
        @Nullable
        Path htpasswd;

        @Option(
                names = "--access",
                description =
                        "grants file: lines 'SUBJECT PATTERN ACTIONS' (default: anonymous pull, users everything)")
        @Nullable
        Path access;

        @Option(names = "--no-anonymous-pull", description = "require credentials for pulls too")
        boolean noAnonymousPull;

        @Option(names = "--tls-cert", description = "PEM certificate chain")
        @Nullable
        Path tlsCert;

        @Option(names = "--tls-key", description = "PEM private key")
        @Nullable
        Path tlsKey;

        @Option(
                names = "--gc-interval",
                description = "collect garbage online at this interval, e.g. 6h (default: off)")
        @Nullable
        String gcInterval;

        @Option(names = "--metrics-public", description = "serve /metrics without a login even when --htpasswd is set")
        boolean metricsPublic;

        @Option(
                names = "--max-uploads",
                description = "requests with a body (uploads, manifest pushes) handled at once; "
                        + "more wait without a thread (default: ${DEFAULT-VALUE})")
        int maxUploads = ClientLimits.defaults().maxBodies();

        @Option(
                names = "--max-uploads-per-client",
                description = "requests with a body one client address may have open "
                        + "at once; more get 429 (default: ${DEFAULT-VALUE})")
        int maxUploadsPerClient = ClientLimits.defaults().maxBodiesPerClient();

        @Option(
                names = "--min-upload-rate",
                description = "bytes per second below which a request body is cut off "
                        + "with 408; 0 turns it off (default: ${DEFAULT-VALUE})")
        long minUploadRate = ClientLimits.defaults().minBodyBytesPerSecond();

        @Option(
                names = "--idle-timeout",
                description = "close a connection or request body that sends nothing for this "
                        + "long, e.g. 30s (default: ${DEFAULT-VALUE})")
        String idleTimeout = "30s";

        @Option(
                names = "--max-failed-logins",
                description = "wrong passwords per client address and minute before 429; "
                        + "0 turns it off (default: ${DEFAULT-VALUE})")
        int maxFailedLogins = ClientLimits.defaults().failedLoginsPerMinute();

        @Option(names = "--json", description = "machine-readable output")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Output out = Output.of(spec, json);
            ClientLimits limits = new ClientLimits(
                    maxUploads,
                    maxUploadsPerClient,
                    minUploadRate,
                    duration("--idle-timeout", idleTimeout),
                    maxFailedLogins);
            AccessPolicy policy = access != null
                    ? AccessPolicy.parse(Files.readString(access, StandardCharsets.UTF_8), access.toString())
                    : noAnonymousPull ? AccessPolicy.authenticatedOnly() : AccessPolicy.publicRead();
            RegistryConfig.Builder config = storage.builder()
                    .addr(addr)
                    .htpasswd(htpasswd)
                    .access(policy)
                    .tls(tlsCert, tlsKey)
                    .limits(limits)
                    .metricsPublic(metricsPublic);
            if (gcInterval != null) {
                config.gcInterval(duration("--gc-interval", gcInterval));
            }
            if (redirectPulls != null) {
                config.redirectPulls(duration("--redirect-pulls", redirectPulls));
            }
            RegistryServer server = new RegistryServer(config.build()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "kiln-registry-shutdown"));
            String url = (tlsCert != null ? "https://" : "http://") + server.address();
            out.say("serving " + storage.describe() + " on " + url + (htpasswd == null ? " (open: no htpasswd)" : ""));
            out.emit(Output.fields("event", "serving", "url", url, "root", storage.describe()));
            server.join();
            return 0;
        }
    }

    @Command(
            name = "gc",
            description = "Remove unreferenced blobs and abandoned uploads (offline: stop the server first).")
    static final class Gc implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @picocli.CommandLine.ArgGroup(exclusive = false, multiplicity = "1")
        StorageOptions storage;

        @Option(
                names = "--upload-expiry",
                description = "remove uploads idle longer than this (default: ${DEFAULT-VALUE})")
        String uploadExpiry = "24h";

        @Option(names = "--json", description = "machine-readable output")
        boolean json;

        @Override
        public Integer call() {
            Output out = Output.of(spec, json);
            Clock clock = Clock.systemUTC();
            GarbageCollector.Report report = RegistryServer.collectOffline(storage.builder()
                    .clock(clock)
                    .gcGrace(Duration.ZERO)
                    .uploadExpiry(duration("--upload-expiry", uploadExpiry))
                    .build());
            out.say("removed " + report.blobsRemoved() + " blobs (" + report.bytesFreed() + " bytes) and "
                    + report.uploadsRemoved() + " abandoned uploads from " + storage.describe());
            out.emit(Output.fields(
                    "event",
                    "gc",
                    "root",
                    storage.describe(),
                    "blobs",
                    report.blobsRemoved(),
                    "bytes",
                    report.bytesFreed(),
                    "uploads",
                    report.uploadsRemoved()));
            return 0;
        }
    }
}
