package dev.kiln.server.web;

import static dev.kiln.server.web.Html.ago;
import static dev.kiln.server.web.Html.escape;
import static dev.kiln.server.web.Html.segment;
import static dev.kiln.server.web.Html.size;

import dev.kiln.server.ReconcileEvent;
import dev.kiln.server.state.Records;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The catalog's pages as HTML, from the views; the same views are the JSON API. */
final class Pages {
    private Pages() {}

    static String catalog(CatalogViews.Catalog c, int page, Instant now) {
        StringBuilder b = new StringBuilder("<h1>Images</h1>");
        b.append(
                        "<form method=\"get\" action=\"/\"><input type=\"search\" name=\"q\" placeholder=\"filter by name\" value=\"")
                .append(escape(c.query()))
                .append("\" aria-label=\"filter by name\"><select name=\"sort\" aria-label=\"sort\">");
        for (String s : List.of("name", "size", "packages", "rebuilt")) {
            b.append("<option")
                    .append(s.equals(c.sort()) ? " selected" : "")
                    .append(">")
                    .append(s)
                    .append("</option>");
        }
        b.append("</select><button type=\"submit\">Apply</button></form>");
        if (c.images().isEmpty()) {
            return Html.page(
                    "Catalog",
                    0,
                    b.append("<p class=\"muted\">No image matches.</p>").toString());
        }
        b.append(
                        "<table id=\"images\"><thead><tr><th>Image</th><th class=\"wide\">Latest</th><th>Size</th><th>Packages</th>")
                .append("<th>CVEs</th><th>Rebuilt</th><th>Signed</th></tr></thead><tbody>");
        for (Records.CatalogImage i : c.page(page)) {
            Records.ImagePublication p = i.latest();
            b.append("<tr><td><a href=\"/images/")
                    .append(segment(p.image()))
                    .append("\">")
                    .append(escape(p.image()))
                    .append("</a></td><td class=\"wide\"><code>")
                    .append(escape(p.reference()))
                    .append("</code></td><td class=\"n\">")
                    .append(size(p.compressedSize()))
                    .append("</td><td class=\"n\">")
                    .append(p.packageCount() < 0 ? "?" : p.packageCount())
                    .append("</td><td class=\"cves\">")
                    .append(cves(i.cves()))
                    .append("</td><td>")
                    .append(ago(i.rebuiltAt(), now))
                    .append("</td><td>")
                    .append(signedMark(i.signed()))
                    .append("</td></tr>");
        }
        b.append("</tbody></table>");
        if (c.pages() > 1) {
            String base = "/?q=" + Html.segment(c.query()) + "&amp;sort=" + Html.segment(c.sort()) + "&amp;page=";
            b.append("<p id=\"pages\">");
            if (page > 1) {
                b.append("<a rel=\"prev\" href=\"")
                        .append(base)
                        .append(page - 1)
                        .append("\">previous</a> ");
            }
            b.append("page ")
                    .append(page)
                    .append(" of ")
                    .append(c.pages())
                    .append(" (")
                    .append(c.images().size())
                    .append(" images)");
            if (page < c.pages()) {
                b.append(" <a rel=\"next\" href=\"")
                        .append(base)
                        .append(page + 1)
                        .append("\">next</a>");
            }
            b.append("</p>");
        }
        return Html.page("Catalog", 0, b.toString());
    }

    static String image(CatalogViews.Image v, Instant now) {
        Records.ImagePublication p = v.image().latest();
        String repo = p.reference().replaceFirst(":[^:/]+$", "");
        StringBuilder b = new StringBuilder("<h1>").append(escape(p.image())).append("</h1>");
        b.append("<p>")
                .append(size(p.compressedSize()))
                .append(" compressed · ")
                .append(v.packages().size())
                .append(" packages · ")
                .append(cves(v.image().cves()))
                .append(" · rebuilt ")
                .append(ago(v.image().rebuiltAt(), now))
                .append(" · ")
                .append(signedMark(v.image().signed()))
                .append("</p>");
        b.append("<h2>Pull</h2><pre id=\"pull\">docker pull ")
                .append(escape(p.reference()))
                .append("\ndocker pull ")
                .append(escape(repo + "@" + p.digest()))
                .append("</pre>");
        b.append("<h2>Downloads</h2><ul>");
        if (v.hasSbom()) {
            b.append("<li><a id=\"sbom\" href=\"/images/")
                    .append(segment(p.image()))
                    .append("/sbom.spdx.json\" download>SPDX 2.3 SBOM</a></li>");
        }
        if (v.hasProvenance()) {
            b.append("<li><a id=\"provenance\" href=\"/images/")
                    .append(segment(p.image()))
                    .append("/provenance.json\" download>SLSA provenance</a></li>");
        }
        b.append(
                        "</ul><h2>Packages</h2><table id=\"packages\"><thead><tr><th>Name</th><th>Version</th><th>License</th>")
                .append("<th class=\"wide\">Origin</th></tr></thead><tbody>");
        for (Records.ImagePackage pkg : v.packages()) {
            b.append("<tr><td><a href=\"/packages/")
                    .append(segment(pkg.name()))
                    .append("\">")
                    .append(escape(pkg.name()))
                    .append("</a></td><td>")
                    .append(escape(pkg.version()))
                    .append("</td><td>")
                    .append(escape(pkg.license()))
                    .append("</td><td class=\"wide\">")
                    .append(escape(pkg.origin()))
                    .append("</td></tr>");
        }
        b.append("</tbody></table>");
        vulnerabilities(b, v.scan());
        comparison(b, p.image(), v.comparison());
        b.append("<h2>History</h2><table id=\"history\"><thead><tr><th>Published</th><th>Digest</th>")
                .append("<th>Size</th></tr></thead><tbody>");
        for (Records.ImagePublication h : v.history()) {
            b.append("<tr><td>")
                    .append(h.publishedAt())
                    .append("</td><td><code>")
                    .append(escape(h.digest()))
                    .append("</code></td><td class=\"n\">")
                    .append(size(h.compressedSize()))
                    .append("</td></tr>");
        }
        return Html.page(p.image(), 0, b.append("</tbody></table>").toString());
    }

    static String packagePage(CatalogViews.PackageView v) {
        StringBuilder b = new StringBuilder("<h1>").append(escape(v.name())).append("</h1>");
        if (!v.images().isEmpty()) {
            b.append("<p>In images: ");
            for (int i = 0; i < v.images().size(); i++) {
                String name = v.images().get(i);
                b.append(i == 0 ? "" : ", ")
                        .append("<a href=\"/images/")
                        .append(segment(name))
                        .append("\">")
                        .append(escape(name))
                        .append("</a>");
            }
            b.append("</p>");
        }
        if (!v.builds().isEmpty()) {
            Records.Build last = v.builds().get(0);
            b.append("<p>Recipe <code>")
                    .append(escape(last.recipe()))
                    .append("</code>")
                    .append(
                            last.recipeSha256() == null
                                    ? ""
                                    : " <span class=\"muted\">sha256:" + escape(last.recipeSha256()) + "</span>")
                    .append("</p>");
        }
        Records.UpstreamCheck u = v.upstream();
        b.append("<h2>Upstream</h2>");
        if (u == null) {
            b.append("<p id=\"upstream\" class=\"muted\">Not checked yet (<code>kiln update run</code> checks).</p>");
        } else {
            b.append("<p id=\"upstream\">")
                    .append(escape(u.status().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')))
                    .append(": current ")
                    .append(escape(u.currentVersion()))
                    .append(", newest upstream ")
                    .append(u.newestVersion() == null ? "unknown" : escape(u.newestVersion()))
                    .append(u.monitor() == null ? "" : " (" + escape(u.monitor()) + ")")
                    .append(", checked ")
                    .append(u.checkedAt())
                    .append(u.message() == null ? "" : " · " + escape(u.message()))
                    .append("</p>");
        }
        dependents(b, v);
        patches(b, v.patches());
        b.append("<h2>Builds</h2>").append(builds(v.builds()));
        return Html.page(v.name(), 0, b.toString());
    }

    static String activity(List<CatalogViews.Run> runs, List<ReconcileEvent> events) {
        boolean running = runs.stream().anyMatch(r -> r.run().status() == Records.RunStatus.RUNNING);
        StringBuilder b = new StringBuilder("<h1>Activity</h1>");
        if (running) {
            b.append("<p id=\"running\" class=\"muted\">A run is in progress; its progress appears below as it")
                    .append(" happens (without scripts, this page reloads every 5 seconds).</p>");
        }
        // newest last, as in the terminal; long runs keep only the tail
        b.append("<h2>Progress</h2><pre id=\"progress\">");
        for (ReconcileEvent e : events.subList(Math.max(0, events.size() - 40), events.size())) {
            b.append(
                            e.kind().equals("error")
                                    ? "<span class=\"bad\">" + escape(e.text()) + "</span>"
                                    : escape(e.text()))
                    .append('\n');
        }
        b.append("</pre>").append(LIVE_PROGRESS);
        if (runs.isEmpty()) {
            b.append("<p class=\"muted\">Nothing has run yet.</p>");
        }
        for (CatalogViews.Run r : runs) {
            Records.Run run = r.run();
            b.append("<section id=\"run-")
                    .append(run.id())
                    .append("\"><h2>Run ")
                    .append(run.id())
                    .append(" · ")
                    .append(escape(run.kind()))
                    .append(" · ")
                    .append(status(run.status().name()))
                    .append("</h2><p class=\"muted\">")
                    .append(run.startedAt())
                    .append(run.finishedAt() == null ? "" : " – " + run.finishedAt())
                    .append(" · ")
                    .append(escape(run.summary()))
                    .append("</p>");
            if (!r.builds().isEmpty()) {
                b.append(builds(r.builds()));
            }
            b.append("</section>");
        }
        return Html.page("Activity", running ? 5 : 0, b.toString());
    }

    /** "3 CVEs: 1 high, 2 unknown", "no CVEs", or "not scanned". */
    static String cves(Records.@Nullable CveCounts c) {
        if (c == null) {
            return "<span class=\"muted\">not scanned</span>";
        }
        if (c.total() == 0) {
            return "<span class=\"ok\">no CVEs</span>";
        }
        StringBuilder b = new StringBuilder("<span class=\"")
                .append(c.critical() + c.high() > 0 ? "bad" : "warn")
                .append("\">")
                .append(c.total())
                .append(c.total() == 1 ? " CVE" : " CVEs")
                .append("</span>: ");
        String sep = "";
        int[] counts = {c.critical(), c.high(), c.medium(), c.low(), c.unknown()};
        String[] names = {"critical", "high", "medium", "low", "unknown"};
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                b.append(sep)
                        .append("<span class=\"sev-")
                        .append(names[i])
                        .append("\">")
                        .append(counts[i])
                        .append(' ')
                        .append(names[i])
                        .append("</span>");
                sep = ", ";
            }
        }
        return b.toString();
    }

    private static void vulnerabilities(StringBuilder b, Records.@Nullable ImageScan scan) {
        b.append("<h2>Vulnerabilities</h2>");
        if (scan == null) {
            b.append("<p id=\"scan\" class=\"muted\">Not scanned yet (the next <code>kiln up</code> scans it).</p>");
            return;
        }
        b.append("<p id=\"scan\">")
                .append(cves(scan.counts()))
                .append(" · scanned ")
                .append(scan.scannedAt())
                .append(" · advisories as of ")
                .append(
                        scan.advisoriesAsOf() == null
                                ? "unknown"
                                : scan.advisoriesAsOf().toString())
                .append(" · sources: ")
                .append(scan.sources().isEmpty() ? "none" : escape(String.join(", ", scan.sources())))
                .append("</p>");
        for (String w : scan.warnings()) {
            b.append("<p class=\"warn\">").append(escape(w)).append("</p>");
        }
        if (scan.vulnerabilities().isEmpty()) {
            return;
        }
        b.append("<table id=\"vulnerabilities\"><thead><tr><th>ID</th><th>Package</th><th>Severity</th>")
                .append(
                        "<th>Advisory state</th><th>VEX status</th><th class=\"wide\">Fixed in</th></tr></thead><tbody>");
        for (Records.Vulnerability x : scan.vulnerabilities()) {
            boolean open = x.vexStatus().equals("affected") || x.vexStatus().equals("under_investigation");
            b.append("<tr")
                    .append(open ? "" : " class=\"muted\"")
                    .append("><td>")
                    .append(escape(x.id()))
                    .append("</td><td><a href=\"/packages/")
                    .append(segment(x.packageName()))
                    .append("\">")
                    .append(escape(x.packageName()))
                    .append("</a> ")
                    .append(escape(x.version()))
                    .append("</td><td class=\"sev-")
                    .append(escape(x.severity()))
                    .append("\">")
                    .append(escape(x.severity()))
                    .append("</td><td>")
                    .append(escape(x.state()))
                    .append("</td><td>")
                    .append(escape(x.vexStatus()))
                    .append(x.detail() == null ? "" : "<br><span class=\"muted\">" + escape(x.detail()) + "</span>")
                    .append("</td><td class=\"wide\">")
                    .append(x.fixedVersion() == null ? "" : escape(x.fixedVersion()))
                    .append("</td></tr>");
        }
        b.append("</tbody></table>");
    }

    private static void comparison(StringBuilder b, String image, Records.@Nullable Comparison c) {
        b.append("<h2>Compared with a conventional image</h2>");
        if (c == null) {
            b.append("<p id=\"comparison\" class=\"muted\">No comparison configured: name the image this one")
                    .append(" replaces in <code>")
                    .append(escape(image))
                    .append(
                            ".compare</code> beside its config (an OCI layout directory, <code>oci-archive:FILE</code>,")
                    .append(" <code>docker-archive:FILE</code> or <code>docker://REF</code>).</p>");
            return;
        }
        b.append("<p id=\"comparison\">Against <code>")
                .append(escape(c.comparedWith()))
                .append("</code>: ")
                .append(SizeChart.ratio(c.own().compressedSize(), c.other().compressedSize()))
                .append(" compressed, ")
                .append(c.own().packages())
                .append(" packages against ")
                .append(c.other().packages())
                .append(", ")
                .append(c.own().cves())
                .append(" against ")
                .append(c.other().cves())
                .append(" CVEs.</p>")
                .append(SizeChart.svg(image, c));
    }

    private static void dependents(StringBuilder b, CatalogViews.PackageView v) {
        b.append("<h2>Rebuilds when it changes</h2>");
        if (v.dependents().isEmpty() && v.rebuiltImages().isEmpty()) {
            b.append("<p id=\"dependents\" class=\"muted\">Nothing else in the catalog is built with it.</p>");
            return;
        }
        b.append("<ul id=\"dependents\">");
        for (Records.Dependent d : v.dependents()) {
            b.append("<li><a href=\"/packages/")
                    .append(segment(d.name()))
                    .append("\">")
                    .append(escape(d.name()))
                    .append("</a>")
                    .append(d.direct() ? " (built with it)" : " (through another dependent)")
                    .append("</li>");
        }
        for (String image : v.rebuiltImages()) {
            b.append("<li>image <a href=\"/images/")
                    .append(segment(image))
                    .append("\">")
                    .append(escape(image))
                    .append("</a></li>");
        }
        b.append("</ul>");
    }

    private static void patches(StringBuilder b, List<Records.Patch> patches) {
        b.append("<h2>Delta from upstream</h2>");
        if (patches.isEmpty()) {
            b.append("<p id=\"patches\" class=\"muted\">No patches: built from the pristine upstream source.</p>");
            return;
        }
        b.append("<table id=\"patches\"><thead><tr><th>Patch</th><th>Why it is kept</th><th>Advisories</th>")
                .append("<th class=\"wide\">Carried since</th></tr></thead><tbody>");
        for (Records.Patch p : patches) {
            b.append("<tr><td><code>")
                    .append(escape(p.patch()))
                    .append("</code></td><td>")
                    .append(p.reason().isEmpty() ? "<span class=\"bad\">no reason recorded</span>" : escape(p.reason()))
                    .append("</td><td>")
                    .append(escape(String.join(", ", p.advisories())))
                    .append("</td><td class=\"wide\">")
                    .append(p.since() == null ? "unknown" : p.since().toString())
                    .append("</td></tr>");
        }
        b.append("</tbody></table>");
    }

    /**
     * Appends each progress event of {@code /api/events/stream} to the progress box as it arrives, and
     * reloads the page when a run finishes so its record shows; a browser without scripts reloads instead.
     */
    private static final String LIVE_PROGRESS = "<script>(function(){if(!window.EventSource)return;"
            + "var box=document.getElementById('progress'),s=new EventSource('/api/events/stream');"
            + "s.onmessage=function(e){var d=JSON.parse(e.data),line=document.createElement('span');"
            + "if(d.event==='error')line.className='bad';line.textContent=d.text+'\\n';box.appendChild(line);"
            + "box.scrollTop=box.scrollHeight;if(d.event==='finished'){s.close();location.reload();}};})();</script>";

    private static String builds(List<Records.Build> builds) {
        StringBuilder b = new StringBuilder(
                        "<table class=\"builds\"><thead><tr><th>Package</th><th>Started</th><th>Result</th>")
                .append("<th class=\"wide\">Outputs</th><th>Duration</th><th>Log</th></tr></thead><tbody>");
        for (Records.Build build : builds) {
            b.append("<tr><td><a href=\"/packages/")
                    .append(segment(build.packageName()))
                    .append("\">")
                    .append(escape(build.packageName()))
                    .append("</a></td><td>")
                    .append(build.startedAt())
                    .append("</td><td>")
                    .append(status(build.result().name()))
                    .append(
                            build.message() == null
                                    ? ""
                                    : "<br><span class=\"muted\">" + escape(build.message()) + "</span>")
                    .append("</td><td class=\"wide\">")
                    .append(escape(String.join(", ", build.outputs())))
                    .append("</td><td class=\"n\">")
                    .append(String.format(java.util.Locale.ROOT, "%.1f s", build.durationMillis() / 1000.0))
                    .append("</td><td>")
                    .append(
                            build.logPath() == null
                                    ? ""
                                    : "<a class=\"log\" href=\"/builds/" + build.id() + "/log\">log</a>")
                    .append("</td></tr>");
        }
        return b.append("</tbody></table>").toString();
    }

    private static String status(String s) {
        String css = s.equals("SUCCEEDED") ? "ok" : s.equals("RUNNING") ? "muted" : "bad";
        return "<span class=\"" + css + "\">" + s.toLowerCase(java.util.Locale.ROOT) + "</span>";
    }

    private static String signedMark(boolean signed) {
        // attestations are written together with the signature, so one mark stands for both
        return signed
                ? "<span class=\"ok\" title=\"signed and attested\">✔ signed</span>"
                : "<span class=\"muted\">unsigned</span>";
    }
}
