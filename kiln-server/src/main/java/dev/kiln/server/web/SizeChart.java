package dev.kiln.server.web;

import static dev.kiln.server.web.Html.escape;
import static dev.kiln.server.web.Html.size;

import dev.kiln.server.state.Records;
import java.util.List;
import java.util.Locale;

/**
 * An image beside the conventional image it replaces, as an inline SVG bar chart (nothing fetched: the
 * catalog works offline, and a saved {@code kiln compare --html} page stands alone): compressed and uncompressed size, one bar per image, on one scale so the bars
 * compare across both groups. Sizes that were not recorded (-1) draw no bar and say "unknown".
 */
final class SizeChart {
    private static final int WIDTH = 640;
    private static final int LABEL = 150;
    private static final int BAR = 18;
    private static final int GAP = 6;
    private static final int GROUP_GAP = 18;
    private static final String OWN_COLOUR = "#17733a";
    private static final String OTHER_COLOUR = "#8a8f98";

    private SizeChart() {}

    /** One image's bars: its name as the chart labels it, and its sizes in bytes (-1 when unknown). */
    record Bars(String name, long compressed, long uncompressed) {}

    /** The catalog's image ({@code image}) beside the conventional image its comparison names. */
    static String svg(String image, Records.Comparison c) {
        return svg(
                new Bars(image, c.own().compressedSize(), c.own().uncompressedSize()),
                new Bars(c.comparedWith(), c.other().compressedSize(), c.other().uncompressedSize()));
    }

    /** {@code own}'s bars in green, {@code other}'s in grey, compressed sizes first. */
    static String svg(Bars own, Bars other) {
        record Row(String group, String who, long bytes, String colour) {}
        List<Row> rows = List.of(
                new Row("compressed", own.name(), own.compressed(), OWN_COLOUR),
                new Row("compressed", other.name(), other.compressed(), OTHER_COLOUR),
                new Row("uncompressed", own.name(), own.uncompressed(), OWN_COLOUR),
                new Row("uncompressed", other.name(), other.uncompressed(), OTHER_COLOUR));
        long max = Math.max(1, rows.stream().mapToLong(Row::bytes).max().orElse(1));
        int plot = WIDTH - LABEL - 90;
        // two groups, each a heading line and two bars
        int height = 2 * (20 + 2 * (BAR + GAP)) + GROUP_GAP;
        StringBuilder b = new StringBuilder()
                .append("<svg id=\"size-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
                .append(WIDTH)
                .append(' ')
                .append(height)
                .append("\" width=\"100%\" style=\"max-width:")
                .append(WIDTH)
                .append("px\" role=\"img\" aria-labelledby=\"size-chart-title\"><title id=\"size-chart-title\">")
                .append(escape(own.name()))
                .append(" against ")
                .append(escape(other.name()))
                .append(": compressed ")
                .append(size(own.compressed()))
                .append(" against ")
                .append(size(other.compressed()))
                .append(", uncompressed ")
                .append(size(own.uncompressed()))
                .append(" against ")
                .append(size(other.uncompressed()))
                .append("</title>");
        int y = 0;
        String group = null;
        for (Row r : rows) {
            if (!r.group().equals(group)) {
                y += group == null ? 0 : GROUP_GAP;
                group = r.group();
                b.append("<text x=\"0\" y=\"")
                        .append(y + 14)
                        .append("\" font-size=\"13\" font-weight=\"600\">")
                        .append(group)
                        .append(" size</text>");
                y += 20;
            }
            int w = r.bytes() < 0 ? 0 : (int) Math.max(1, Math.round((double) r.bytes() / max * plot));
            b.append("<g class=\"bar\" data-bytes=\"")
                    .append(r.bytes())
                    .append("\"><text x=\"0\" y=\"")
                    .append(y + BAR - 5)
                    .append("\" font-size=\"12\">")
                    .append(escape(shorten(r.who())))
                    .append("</text><rect x=\"")
                    .append(LABEL)
                    .append("\" y=\"")
                    .append(y)
                    .append("\" width=\"")
                    .append(w)
                    .append("\" height=\"")
                    .append(BAR)
                    .append("\" fill=\"")
                    .append(r.colour())
                    .append("\"/><text x=\"")
                    .append(LABEL + w + 6)
                    .append("\" y=\"")
                    .append(y + BAR - 5)
                    .append("\" font-size=\"12\">")
                    .append(r.bytes() < 0 ? "unknown" : size(r.bytes()))
                    .append("</text></g>");
            y += BAR + GAP;
        }
        return b.append("</svg>").toString();
    }

    /** A ratio as the text beside the chart says it: "12.5× smaller". */
    static String ratio(long own, long other) {
        if (own <= 0 || other <= 0) {
            return "";
        }
        double r = (double) other / own;
        return r >= 1
                ? String.format(Locale.ROOT, "%.1f× smaller", r)
                : String.format(Locale.ROOT, "%.1f× larger", 1 / r);
    }

    private static String shorten(String name) {
        return name.length() <= 22 ? name : "…" + name.substring(name.length() - 21);
    }
}
