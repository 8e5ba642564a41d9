package dev.kiln.vuln;

import dev.kiln.vuln.internal.AdvisoryYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Loads advisory documents strictly: unknown fields, unknown event types, malformed ids or versions,
 * unsorted advisories and duplicate aliases are errors, all reported at once as {@code file:line: message}.
 * The clock decides what "in the future" means for event timestamps.
 */
public final class AdvisoryLoader {
    private final Clock clock;

    public AdvisoryLoader(Clock clock) {
        this.clock = clock;
    }

    public AdvisoryDocument load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new VulnException("cannot read advisory document " + file + ": " + e.getMessage(), e);
        }
        AdvisoryDocument doc = parse(text, file.toString());
        String expected = file.getFileName().toString();
        if (expected.endsWith(".advisories.yaml") && !expected.equals(doc.packageName() + ".advisories.yaml")) {
            throw new VulnException(file + ":1: package name '" + doc.packageName()
                    + "' does not match the file name (expected " + doc.packageName() + ".advisories.yaml)");
        }
        return doc;
    }

    /** Parses document text; {@code source} names it in error messages. */
    public AdvisoryDocument parse(String text, String source) {
        AdvisoryYaml.Result r = AdvisoryYaml.decode(text, source, clock);
        if (!r.problems().isEmpty()) {
            throw new VulnException("invalid advisory document " + source, r.problems());
        }
        return Objects.requireNonNull(r.document(), "AdvisoryYaml decodes the document when it reports no problems");
    }

    /** Every problem of a document, empty when it is valid. */
    public List<String> validate(String text, String source) {
        return AdvisoryYaml.decode(text, source, clock).problems();
    }

    /** Style problems that do not make a document invalid (unsorted advisories, unordered events). */
    public List<String> warnings(String text, String source) {
        return AdvisoryYaml.decode(text, source, clock).warnings();
    }
}
