package dev.kiln.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kiln.server.ReconcileEvent;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The one place commands write to the terminal: human lines on stderr (progress) and stdout
 * (results), or, with {@code --json}, one JSON object per line on stdout and nothing else.
 */
final class Output {
    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);
    private final boolean json;
    private final PrintWriter out;
    private final PrintWriter err;

    Output(boolean json, PrintWriter out, PrintWriter err) {
        this.json = json;
        this.out = out;
        this.err = err;
    }

    /** Output to the command line's own streams, so tests and embedders can capture it. */
    static Output of(CommandSpec spec, boolean json) {
        return new Output(json, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    boolean json() {
        return json;
    }

    /** A progress line: stderr for people, a JSON event for machines. */
    void progress(String text, Map<String, @Nullable Object> fields) {
        if (json) {
            emit(fields);
        } else {
            err.println(text);
            err.flush();
        }
    }

    /** A result line for people; ignored in JSON mode, where {@link #emit} carries results. */
    void say(String text) {
        if (!json) {
            out.println(text);
            out.flush();
        }
    }

    void emit(Map<String, @Nullable Object> object) {
        if (json) {
            try {
                out.println(JSON.writeValueAsString(object));
                out.flush();
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A reconcile's progress: errors as errors, the rest as progress lines. */
    void render(ReconcileEvent event) {
        if (event.kind().equals("error")) {
            error(event.text());
        } else {
            progress(event.text(), event.fields());
        }
    }

    void error(String message) {
        if (json) {
            emit(fields("event", "error", "message", message));
        } else {
            err.println("kiln: " + message);
            err.flush();
        }
    }

    /** A JSON object from alternating keys and values; a null value is written as JSON null. */
    static Map<String, @Nullable Object> fields(@Nullable Object... keyValues) {
        Map<String, @Nullable Object> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
