package dev.kiln.update;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One source of upstream releases. {@link #list} answers for several packages at once so that a
 * monitor can batch its requests; a package whose lookup failed gets a {@link Listing} with an
 * error, and the others are unaffected.
 */
public interface UpstreamMonitor {
    MonitorConfig.Kind kind();

    /** One listing per config, in the same order. */
    List<Listing> list(List<MonitorConfig> configs);

    /** What upstream shows for one package: raw tags, newest first when upstream orders them, or an error. */
    record Listing(
            MonitorConfig config,
            List<UpstreamTag> tags,
            @Nullable String error) {
        public Listing {
            tags = List.copyOf(tags);
        }

        public static Listing failed(MonitorConfig config, String error) {
            return new Listing(config, List.of(), error);
        }
    }
}
