package dev.kiln.registry.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters rendered in the Prometheus text exposition format (version 0.0.4). */
public final class Metrics {
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder cacheHits = new LongAdder();
    private final LongAdder cacheMisses = new LongAdder();
    private final LongAdder gcRuns = new LongAdder();
    private final LongAdder gcBlobsRemoved = new LongAdder();
    private final LongAdder gcUploadsRemoved = new LongAdder();

    public void request(String method, String route, int status) {
        requests.computeIfAbsent(
                        "method=\"" + method + "\",route=\"" + route + "\",status=\"" + status + "\"",
                        k -> new LongAdder())
                .increment();
    }

    public void bytesIn(long n) {
        bytesIn.add(n);
    }

    public void bytesOut(long n) {
        bytesOut.add(n);
    }

    public void cache(boolean hit) {
        (hit ? cacheHits : cacheMisses).increment();
    }

    public void gc(int blobs, int uploads) {
        gcRuns.increment();
        gcBlobsRemoved.add(blobs);
        gcUploadsRemoved.add(uploads);
    }

    public String render(int uploadsInProgress) {
        StringBuilder out = new StringBuilder(1024);
        out.append("# HELP kiln_registry_requests_total HTTP requests by method, route and status.\n");
        out.append("# TYPE kiln_registry_requests_total counter\n");
        new TreeMap<>(requests)
                .forEach((labels, n) -> out.append("kiln_registry_requests_total{")
                        .append(labels)
                        .append("} ")
                        .append(n.sum())
                        .append('\n'));
        counter(out, "kiln_registry_received_bytes_total", "Blob bytes received.", bytesIn.sum());
        counter(out, "kiln_registry_sent_bytes_total", "Blob bytes sent.", bytesOut.sum());
        counter(out, "kiln_registry_manifest_cache_hits_total", "Manifest reads served from memory.", cacheHits.sum());
        counter(
                out,
                "kiln_registry_manifest_cache_misses_total",
                "Manifest reads served from storage.",
                cacheMisses.sum());
        counter(out, "kiln_registry_gc_runs_total", "Garbage collection runs.", gcRuns.sum());
        counter(
                out,
                "kiln_registry_gc_blobs_removed_total",
                "Blobs removed by garbage collection.",
                gcBlobsRemoved.sum());
        counter(out, "kiln_registry_gc_uploads_removed_total", "Abandoned uploads removed.", gcUploadsRemoved.sum());
        out.append("# HELP kiln_registry_uploads_in_progress Uploads started and not finished.\n");
        out.append("# TYPE kiln_registry_uploads_in_progress gauge\n");
        out.append("kiln_registry_uploads_in_progress ")
                .append(uploadsInProgress)
                .append('\n');
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        out.append(name).append(' ').append(value).append('\n');
    }
}
