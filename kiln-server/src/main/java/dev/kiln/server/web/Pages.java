package dev.kiln.server.web;

import static dev.kiln.server.web.Html.ago;
import static dev.kiln.server.web.Html.escape;
import static dev.kiln.server.web.Html.segment;
import static dev.kiln.server.web.Html.size;

import dev.kiln.server.ReconcileEvent;
import dev.kiln.server.state.Records;
import java.time.Instant;
import java.util.List;

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
                .append("<th>Rebuilt</th><th>Signed</th></tr></thead><tbody>");
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
                .append(" packages · rebuilt ")
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
        b.append("</tbody></table><h2>History</h2><table id=\"history\"><thead><tr><th>Published</th><th>Digest</th>")
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
        b.append("<h2>Builds</h2>").append(builds(v.builds()));
        return Html.page(v.name(), 0, b.toString());
    }

    static String activity(List<CatalogViews.Run> runs, List<ReconcileEvent> events) {
        boolean running = runs.stream().anyMatch(r -> r.run().status() == Records.RunStatus.RUNNING);
        StringBuilder b = new StringBuilder("<h1>Activity</h1>");
        if (running) {
            b.append("<p class=\"muted\">A run is in progress; this page reloads every 5 seconds.</p>");
        }
        if (!events.isEmpty()) {
            // newest last, as in the terminal; long runs keep only the tail
            b.append("<h2>Progress</h2><pre id=\"progress\">");
            for (ReconcileEvent e : events.subList(Math.max(0, events.size() - 40), events.size())) {
                b.append(
                                e.kind().equals("error")
                                        ? "<span class=\"bad\">" + escape(e.text()) + "</span>"
                                        : escape(e.text()))
                        .append('\n');
            }
            b.append("</pre>");
        }
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
