package dev.kiln.cli;

import dev.kiln.vuln.Advisory;
import dev.kiln.vuln.AdvisoryDocument;
import dev.kiln.vuln.AdvisoryEditor;
import dev.kiln.vuln.AdvisoryEvent;
import dev.kiln.vuln.AdvisoryLoader;
import dev.kiln.vuln.AdvisoryStore;
import dev.kiln.vuln.EventType;
import dev.kiln.vuln.FalsePositiveType;
import dev.kiln.vuln.VulnException;
import dev.kiln.vuln.feed.OsvStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "advisory",
        description = "Create, update, list and validate advisory documents (Wolfi schema 2.x).",
        subcommands = {
            AdvisoryCommand.Create.class,
            AdvisoryCommand.Update.class,
            AdvisoryCommand.ListCmd.class,
            AdvisoryCommand.Validate.class,
            AdvisoryCommand.ImportOsv.class,
            AdvisoryCommand.Compile.class
        })
final class AdvisoryCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The event options shared by create and update. */
    static final class EventOptions {
        @Option(
                names = "--type",
                description =
                        "detection, true-positive-determination, fixed, "
                                + "false-positive-determination, analysis-not-planned, fix-not-planned, pending-upstream-fix "
                                + "(default: detection, or fixed with --fixed-version, false-positive-determination with --fp-type)")
        @Nullable
        String type;

        @Option(names = "--fixed-version", description = "the first package version with the fix (VERSION-rN)")
        @Nullable
        String fixedVersion;

        @Option(names = "--fp-type", description = "false-positive type, e.g. vulnerable-code-not-included-in-package")
        @Nullable
        String fpType;

        @Option(names = "--note", description = "free text for the event")
        @Nullable
        String note;

        @Option(names = "--timestamp", description = "event time, RFC 3339 (default: now)")
        @Nullable
        Instant timestamp;

        AdvisoryEvent event(Clock clock) {
            Instant at =
                    timestamp != null ? timestamp : clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            String t = type != null
                    ? type
                    : fixedVersion != null ? "fixed" : fpType != null ? "false-positive-determination" : "detection";
            EventType et = EventType.ofWireName(t)
                    .orElseThrow(() -> new VulnException("--type: unknown event type '" + t + "'"));
            return switch (et) {
                case FIXED -> {
                    if (fixedVersion == null) {
                        throw new VulnException("--type fixed needs --fixed-version VERSION-rN");
                    }
                    yield AdvisoryEvent.fixed(at, fixedVersion);
                }
                case FALSE_POSITIVE_DETERMINATION ->
                    AdvisoryEvent.falsePositive(
                            at,
                            FalsePositiveType.ofWireName(fpType == null ? "" : fpType)
                                    .orElseThrow(() -> new VulnException("--fp-type: expected one of "
                                            + java.util.Arrays.stream(FalsePositiveType.values())
                                                    .map(FalsePositiveType::wireName)
                                                    .toList()
                                            + ", found '" + fpType + "'")),
                            note);
                case DETECTION -> AdvisoryEvent.manualDetection(at);
                default -> AdvisoryEvent.note(at, et, note);
            };
        }
    }

    @Command(
            name = "create",
            description = "Add an advisory for a vulnerability to PACKAGE's document (created if needed).")
    static final class Create implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "PACKAGE", description = "origin package name")
        String pkg;

        @Option(
                names = "--vuln",
                required = true,
                description = "vulnerability id (CVE, GHSA, …); repeatable for aliases")
        List<String> vulns;

        @Option(
                names = "--dir",
                defaultValue = "advisories",
                description = "advisory directory (default: ${DEFAULT-VALUE})")
        Path dir;

        @ArgGroup(exclusive = false)
        EventOptions event = new EventOptions();

        @Option(names = "--json", description = "machine-readable output")
        boolean json;

        @Override
        public Integer call() {
            Clock clock = Clock.systemUTC();
            Advisory a = new AdvisoryEditor(dir, clock, new SecureRandom()).create(pkg, vulns, event.event(clock));
            Output out = Output.of(spec, json);
            out.say(pkg + ": created " + a.id() + " " + a.aliases());
            out.emit(Output.fields("event", "created", "package", pkg, "id", a.id(), "aliases", a.aliases()));
            return 0;
        }
    }

    @Command(name = "update", description = "Append an event to the advisory with ID (or alias) in PACKAGE's document.")
    static final class Update implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "PACKAGE")
        String pkg;

        @Parameters(index = "1", paramLabel = "ID", description = "advisory id or one of its aliases")
        String id;

        @Option(
                names = "--dir",
                defaultValue = "advisories",
                description = "advisory directory (default: ${DEFAULT-VALUE})")
        Path dir;

        @ArgGroup(exclusive = false)
        EventOptions event = new EventOptions();

        @Option(names = "--json", description = "machine-readable output")
        boolean json;

        @Override
        public Integer call() {
            Clock clock = Clock.systemUTC();
            AdvisoryEvent e = event.event(clock);
            Advisory a = new AdvisoryEditor(dir, clock, new SecureRandom()).update(pkg, id, e);
            Output out = Output.of(spec, json);
            out.say(pkg + ": " + a.id() + " now " + e.type().wireName());
            out.emit(Output.fields(
                    "event",
                    "updated",
                    "package",
                    pkg,
                    "id",
                    a.id(),
                    "type",
                    e.type().wireName()));
            return 0;
        }
    }

    @Command(name = "list", description = "List advisories with their current state.")
    static final class ListCmd implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--dir",
                defaultValue = "advisories",
                description = "advisory directory (default: ${DEFAULT-VALUE})")
        Path dir;

        @Option(names = "--package", description = "only this package")
        @Nullable
        String pkg;

        @Option(names = "--json", description = "machine-readable output")
        boolean json;

        @Override
        public Integer call() {
            Output out = Output.of(spec, json);
            AdvisoryStore store = AdvisoryStore.load(dir, Clock.systemUTC());
            for (AdvisoryDocument d : store.documents()) {
                if (pkg != null && !pkg.equals(d.packageName())) {
                    continue;
                }
                for (Advisory a : d.advisories()) {
                    AdvisoryEvent latest = a.latest().orElse(null);
                    String state = latest == null
                            ? "-"
                            : latest.type().wireName()
                                    + (latest.fixedVersion() != null ? " " + latest.fixedVersion() : "");
                    out.say(String.format(
                            "%-30s %-20s %-40s %s", d.packageName(), a.id(), String.join(",", a.aliases()), state));
                    out.emit(Output.fields(
                            "package",
                            d.packageName(),
                            "id",
                            a.id(),
                            "aliases",
                            a.aliases(),
                            "state",
                            latest == null ? null : latest.type().wireName(),
                            "fixedVersion",
                            latest == null ? null : latest.fixedVersion()));
                }
            }
            return 0;
        }
    }

    @Command(
            name = "validate",
            description = {
                "Validate advisory documents; directories are searched for " + "*.advisories.yaml.",
                "Exits 1 when any document is invalid."
            })
    static final class Validate implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "PATH", arity = "1..*", description = "documents or directories")
        List<Path> paths;

        @Option(names = "--warnings", description = "also print style warnings (unsorted advisories, unordered events)")
        boolean warnings;

        @Option(names = "--json", description = "machine-readable output")
        boolean json;

        @Override
        public Integer call() throws IOException {
            Output out = Output.of(spec, json);
            List<Path> files = new ArrayList<>();
            for (Path p : paths) {
                files.addAll(Files.isDirectory(p) ? AdvisoryStore.files(p) : List.of(p));
            }
            long started = System.nanoTime();
            AdvisoryLoader loader = new AdvisoryLoader(Clock.systemUTC());
            // documents are independent: check them on every core, report in file order
            List<Checked> results =
                    files.parallelStream().map(f -> check(loader, f)).toList();
            int invalid = 0;
            int advisories = 0;
            for (Checked c : results) {
                if (c.problems().isEmpty()) {
                    advisories += c.advisories();
                } else {
                    invalid++;
                    c.problems().forEach(out::say);
                    out.emit(Output.fields("event", "invalid", "file", c.file().toString(), "problems", c.problems()));
                }
                c.warnings().forEach(w -> out.say("warning: " + w));
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            out.say(String.format(
                    "%d documents, %d advisories: %d invalid (%d ms)", files.size(), advisories, invalid, millis));
            out.emit(Output.fields(
                    "event",
                    "summary",
                    "documents",
                    files.size(),
                    "advisories",
                    advisories,
                    "invalid",
                    invalid,
                    "millis",
                    millis));
            return invalid == 0 ? 0 : 1;
        }

        private record Checked(Path file, int advisories, List<String> problems, List<String> warnings) {}

        private Checked check(AdvisoryLoader loader, Path f) {
            List<String> found = List.of();
            try {
                found = warnings
                        ? loader.warnings(Files.readString(f, StandardCharsets.UTF_8), f.toString())
                        : List.of();
                return new Checked(f, loader.load(f).advisories().size(), List.of(), found);
            } catch (VulnException e) {
                return new Checked(f, 0, e.problems(), found);
            } catch (IOException e) {
                return new Checked(f, 0, List.of(f + ": cannot read: " + e.getMessage()), found);
            }
        }
    }

    @Command(name = "import-osv", description = "Import OSV records (a file or a directory) into a local OSV store.")
    static final class ImportOsv implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "SOURCE", arity = "1..*")
        List<Path> sources;

        @Option(names = "--store", required = true, description = "OSV store directory")
        Path store;

        @Option(names = "--json", description = "machine-readable output")
        boolean json;

        @Override
        public Integer call() {
            Output out = Output.of(spec, json);
            int n = 0;
            for (Path s : sources) {
                n += new OsvStore(store).importFrom(s, Clock.systemUTC());
            }
            out.say(n + " OSV records stored in " + store);
            out.emit(Output.fields("event", "imported", "records", n, "store", store.toString()));
            return 0;
        }
    }

    @Command(
            name = "compile",
            description = {
                "Compile an advisory directory into one binary feed (every state kept) that",
                "`kiln scan --advisories FEED` maps instead of parsing each document."
            })
    static final class Compile implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "DIR", description = "advisory document directory")
        Path dir;

        @Option(names = "--out", required = true, description = "the compiled feed to write")
        Path out;

        @Option(
                names = "--distro",
                paramLabel = "ID[:RELEASE]",
                defaultValue = "kiln",
                description = {
                    "the distribution the documents describe, recorded in the feed (e.g. wolfi); scans match it only",
                    "against images of that distribution (default: ${DEFAULT-VALUE})"
                })
        String distro;

        @Override
        public Integer call() {
            dev.kiln.vuln.inventory.Distro d;
            try {
                d = dev.kiln.vuln.inventory.Distro.parse(distro);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--distro: " + e.getMessage(), e);
            }
            dev.kiln.vuln.match.DistroFeed feed =
                    dev.kiln.vuln.match.DistroFeed.of(AdvisoryStore.load(dir, Clock.systemUTC()), d);
            dev.kiln.vuln.match.CompiledFeed.write(feed, out);
            Output.of(spec, false)
                    .say(String.format(
                            "%s: %d packages (%s, as of %s)",
                            out, feed.packageNames().size(), d, feed.updated() == null ? "unknown" : feed.updated()));
            return 0;
        }
    }
}
