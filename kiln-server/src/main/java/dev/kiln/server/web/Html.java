package dev.kiln.server.web;

import dev.kiln.content.ByteSizes;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Text into HTML, and the frame every page shares: one inline style sheet (the machine may be
 * offline, so nothing is fetched), no script except the activity page's optional live feed, a layout
 * that reflows on a phone.
 */
final class Html {
    private static final String STYLE = """
            body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fafafa}
            header{background:#1b1f24;color:#fff;padding:.6em 1em;display:flex;gap:1.2em;flex-wrap:wrap;align-items:baseline}
            header a{color:#fff;text-decoration:none}header strong{font-size:1.2em}
            main{padding:1em;max-width:72em;margin:auto}
            table{border-collapse:collapse;width:100%;background:#fff}
            th,td{text-align:left;padding:.35em .6em;border-bottom:1px solid #e3e3e3;vertical-align:top}
            th{background:#f0f0f0}td.n{text-align:right;font-variant-numeric:tabular-nums}
            code,pre{font:13px/1.4 ui-monospace,monospace}pre{background:#fff;border:1px solid #e3e3e3;padding:.6em;overflow:auto}
            .ok{color:#17733a}.bad{color:#b3261e;font-weight:600}.muted{color:#666}.warn{color:#8a5300}
            .sev-critical,.sev-high{color:#b3261e;font-weight:600}.sev-medium{color:#8a5300}
            form{margin:.5em 0 1em;display:flex;gap:.5em;flex-wrap:wrap}
            th.sub{padding-left:1.8em;font-weight:normal}
            @media (max-width:40em){th.wide,td.wide{display:none}main{padding:.5em}}
            """;

    private Html() {}

    static String escape(@Nullable String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A path segment for a link (names come from recipes and configs, so they are encoded, not trusted). */
    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * The page frame; {@code refreshSeconds} above 0 reloads it when scripts are off (the activity page while
     * a run is going; with scripts on, its live feed shows the run instead).
     */
    static String page(String title, int refreshSeconds, String body) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                + (refreshSeconds > 0
                        ? "<noscript><meta http-equiv=\"refresh\" content=\"" + refreshSeconds + "\"></noscript>"
                        : "")
                + "<title>" + escape(title) + " · Kiln</title><style>" + STYLE + "</style></head><body>"
                + "<header><strong><a href=\"/\">Kiln</a></strong><a href=\"/\">Catalog</a><a href=\"/activity\">Activity</a>"
                + "<a href=\"/api/images\">API</a></header><main>" + body + "</main></body></html>";
    }

    /**
     * A page that stands alone, away from the catalog (a saved report): the same style sheet, inline, and no
     * navigation to pages it cannot reach. Written in the XML syntax of HTML (closed void elements, only
     * numeric and XML entities), so that XML tools read a saved report too.
     */
    static String document(String title, String body) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"/>"
                + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"/>"
                + "<title>" + escape(title) + "</title><style>" + STYLE + "</style></head><body><main>" + body
                + "</main></body></html>";
    }

    /** "3 hours ago", the way the catalog says how fresh an image is. */
    static String ago(@Nullable Instant then, Instant now) {
        if (then == null) {
            return "never";
        }
        long s = Math.max(0, Duration.between(then, now).toSeconds());
        if (s < 90) {
            return s + " seconds ago";
        }
        if (s < 90 * 60) {
            return (s / 60) + " minutes ago";
        }
        if (s < 36 * 3600) {
            return (s / 3600) + " hours ago";
        }
        return (s / 86400) + " days ago";
    }

    /** 1.4 MiB: sizes as a person reads them. */
    static String size(long bytes) {
        return bytes < 0 ? "?" : ByteSizes.format(bytes);
    }
}
