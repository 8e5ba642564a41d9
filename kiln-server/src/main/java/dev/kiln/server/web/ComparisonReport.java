package dev.kiln.server.web;

import static dev.kiln.server.web.Html.escape;

import dev.kiln.vuln.compare.ImageComparison;
import dev.kiln.vuln.compare.ImageFacts;

/**
 * {@code kiln compare --html}: two nutrition labels as one self-contained HTML page, the catalog's size chart
 * above the rows {@link ImageComparison#rows()} gives every other rendering. Nothing is fetched and nothing
 * runs (no script), so the page can be mailed or archived; image names are the user's text and are escaped.
 * The same comparison renders the same bytes.
 */
public final class ComparisonReport {
    private ComparisonReport() {}

    public static String html(ImageComparison cmp) {
        ImageFacts a = cmp.a();
        ImageFacts b = cmp.b();
        StringBuilder body = new StringBuilder("<h1>")
                .append(escape(b.name()))
                .append(" <span class=\"muted\">against</span> ")
                .append(escape(a.name()))
                .append("</h1><p id=\"summary\"><code>")
                .append(escape(b.name()))
                .append("</code>: ")
                .append(sentence(b.compressedSize(), a.compressedSize(), "compressed"))
                .append(", ")
                .append(sentence(b.uncompressedSize(), a.uncompressedSize(), "uncompressed"))
                .append(".</p>")
                .append(SizeChart.svg(bars(b), bars(a)))
                .append("<table id=\"label\"><thead><tr><th></th><th>")
                .append(escape(a.name()))
                .append("</th><th>")
                .append(escape(b.name()))
                .append("</th></tr></thead><tbody>");
        for (String[] row : cmp.rows()) {
            // an indented label is a part of the row above it (CVEs by severity)
            body.append(row[0].startsWith(" ") ? "<tr><th scope=\"row\" class=\"sub\">" : "<tr><th scope=\"row\">")
                    .append(escape(row[0].strip()))
                    .append("</th><td>")
                    .append(escape(row[1]))
                    .append("</td><td>")
                    .append(escape(row[2]))
                    .append("</td></tr>");
        }
        body.append("</tbody></table><p class=\"muted\">Package ages as of ")
                .append(escape(cmp.now().toString()))
                .append(".</p>");
        return Html.document(b.name() + " against " + a.name(), body.toString());
    }

    private static SizeChart.Bars bars(ImageFacts f) {
        return new SizeChart.Bars(f.name(), f.compressedSize(), f.uncompressedSize());
    }

    private static String sentence(long own, long other, String what) {
        String ratio = SizeChart.ratio(own, other);
        return ratio.isEmpty() ? what + " size unknown" : ratio + " " + what;
    }
}
