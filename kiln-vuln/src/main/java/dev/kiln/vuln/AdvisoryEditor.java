package dev.kiln.vuln;

import dev.kiln.content.AtomicFiles;
import dev.kiln.vuln.internal.AdvisoryText;
import dev.kiln.vuln.internal.AdvisoryYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Creates and updates advisory documents in a directory with the smallest textual change: a new event is
 * inserted after the advisory's last event, a new advisory before the first one with a greater id, and
 * nothing else in the file moves (comments and formatting survive). The result is re-validated before it
 * replaces the file atomically, so a failed edit leaves the file untouched.
 */
public final class AdvisoryEditor {
    private static final String ID_ALPHABET = "23456789cfghjmpqrvwx";

    private final Path dir;
    private final Clock clock;
    private final RandomGenerator random;
    private final AdvisoryLoader loader;

    public AdvisoryEditor(Path dir, Clock clock, RandomGenerator random) {
        this.dir = dir;
        this.clock = clock;
        this.random = random;
        this.loader = new AdvisoryLoader(clock);
    }

    public Path fileOf(String packageName) {
        return dir.resolve(packageName + ".advisories.yaml");
    }

    /**
     * Adds a new advisory for {@code aliases} with its first event, creating the document if needed.
     * Fails when one of the aliases already has an advisory in the document (use {@link #update}).
     */
    public Advisory create(String packageName, List<String> aliases, AdvisoryEvent event) {
        Path file = fileOf(packageName);
        if (!Files.exists(file)) {
            Advisory a = new Advisory(newId(List.of()), aliases, List.of(event));
            AdvisoryDocument doc = new AdvisoryDocument(AdvisoryDocument.SCHEMA_VERSION, packageName, List.of(a));
            commit(file, AdvisoryText.document(doc));
            return a;
        }
        String text = read(file);
        AdvisoryYaml.Result parsed = parseForEdit(text, file);
        AdvisoryDocument doc = Objects.requireNonNull(
                parsed.document(), "AdvisoryYaml decodes the document when it reports no problems");
        for (String alias : aliases) {
            doc.find(alias).ifPresent(existing -> {
                throw new VulnException(file + ": " + alias + " already has advisory " + existing.id()
                        + "; use update to add an event");
            });
        }
        Advisory a = new Advisory(newId(doc.advisories()), aliases, List.of(event));
        List<String> lines = lines(text);
        AdvisoryYaml.AdvisorySpan next = parsed.spans().stream()
                .filter(s -> s.id().compareTo(a.id()) > 0)
                .findFirst()
                .orElse(null);
        int dash = parsed.spans().get(0).advisoryColumn() - 2;
        List<String> block = AdvisoryText.advisory(a, Math.max(dash, 0));
        if (next != null) {
            List<String> insert = new ArrayList<>(block);
            insert.add("");
            lines.addAll(next.firstLine(), insert);
        } else {
            AdvisoryYaml.AdvisorySpan last = parsed.spans().get(parsed.spans().size() - 1);
            List<String> insert = new ArrayList<>();
            insert.add("");
            insert.addAll(block);
            lines.addAll(trimBlank(lines, last.lastLine()) + 1, insert);
        }
        commit(file, String.join("\n", lines));
        return a;
    }

    /** Appends {@code event} to the advisory with id or alias {@code idOrAlias}; returns the updated advisory. */
    public Advisory update(String packageName, String idOrAlias, AdvisoryEvent event) {
        Path file = fileOf(packageName);
        if (!Files.exists(file)) {
            throw new VulnException(file + ": no advisory document for package " + packageName);
        }
        String text = read(file);
        AdvisoryYaml.Result parsed = parseForEdit(text, file);
        Advisory current = Objects.requireNonNull(
                        parsed.document(), "AdvisoryYaml decodes the document when it reports no problems")
                .find(idOrAlias)
                .orElseThrow(() -> new VulnException(
                        file + ": no advisory with id or alias " + idOrAlias + " for package " + packageName));
        AdvisoryEvent last = current.events().get(current.events().size() - 1);
        if (event.timestamp().isBefore(last.timestamp())) {
            throw new VulnException(file + ": advisory " + current.id() + ": new event at " + event.timestamp()
                    + " is older than its latest event at " + last.timestamp());
        }
        AdvisoryYaml.AdvisorySpan span = parsed.spans().stream()
                .filter(s -> s.id().equals(current.id()))
                .findFirst()
                .orElseThrow();
        List<String> lines = lines(text);
        lines.addAll(trimBlank(lines, span.lastLine()) + 1, AdvisoryText.event(event, span.eventColumn() - 2));
        commit(file, String.join("\n", lines));
        return current.withEvent(event);
    }

    private AdvisoryYaml.Result parseForEdit(String text, Path file) {
        AdvisoryYaml.Result r = AdvisoryYaml.decode(text, file.toString(), clock);
        if (!r.problems().isEmpty()) {
            throw new VulnException("cannot edit invalid advisory document " + file, r.problems());
        }
        return r;
    }

    private void commit(Path file, String text) {
        String content = text.endsWith("\n") ? text : text + "\n";
        loader.parse(content, file.toString());
        AtomicFiles.write(file, content.getBytes(StandardCharsets.UTF_8));
    }

    private String newId(List<Advisory> existing) {
        while (true) {
            StringBuilder sb = new StringBuilder("CGA");
            for (int g = 0; g < 3; g++) {
                sb.append('-');
                for (int i = 0; i < 4; i++) {
                    sb.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
                }
            }
            String id = sb.toString();
            if (existing.stream().noneMatch(a -> a.id().equals(id))) {
                return id;
            }
        }
    }

    private static int trimBlank(List<String> lines, int line) {
        int i = Math.min(line, lines.size() - 1);
        while (i > 0 && lines.get(i).isBlank()) {
            i--;
        }
        return i;
    }

    private static List<String> lines(String text) {
        String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        return new ArrayList<>(Arrays.asList(body.split("\n", -1)));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new VulnException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
