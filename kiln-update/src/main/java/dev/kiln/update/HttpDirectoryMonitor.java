package dev.kiln.update;

import dev.kiln.update.internal.JsonHttp;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Releases read from a plain HTTP directory listing, the way GNU and many other projects
 * publish them: the monitor target is the recipe's fetch URI with {@link #VERSION_PLACEHOLDER}
 * where the version goes; the listing of its directory is fetched and every link whose file
 * name matches the template yields a version.
 */
public final class HttpDirectoryMonitor implements UpstreamMonitor {
    public static final String VERSION_PLACEHOLDER = "{version}";
    private static final Pattern HREF = Pattern.compile("href\\s*=\\s*[\"']([^\"'#?]+)[\"']", Pattern.CASE_INSENSITIVE);

    private final JsonHttp http;

    public HttpDirectoryMonitor(HttpClient http, Backoff backoff) {
        this.http = new JsonHttp(http, backoff);
    }

    @Override
    public MonitorConfig.Kind kind() {
        return MonitorConfig.Kind.HTTP_DIRECTORY;
    }

    @Override
    public List<Listing> list(List<MonitorConfig> configs) {
        List<Listing> out = new ArrayList<>();
        for (MonitorConfig c : configs) {
            try {
                out.add(new Listing(c, versions(c.target()), null));
            } catch (UpdateException e) {
                out.add(Listing.failed(c, e.getMessage()));
            }
        }
        return out;
    }

    /** Versions named by the listing, in the order the page shows them, without duplicates. */
    List<UpstreamTag> versions(String template) {
        int slash = template.lastIndexOf('/');
        String directory = template.substring(0, slash + 1);
        Pattern file = filePattern(template.substring(slash + 1));
        String page = http.getText(directory);
        Set<String> versions = new LinkedHashSet<>();
        Matcher links = HREF.matcher(page);
        while (links.find()) {
            String link = links.group(1);
            String name = link.substring(link.lastIndexOf('/') + 1);
            Matcher m = file.matcher(name);
            if (m.matches()) {
                versions.add(m.group(1));
            }
        }
        if (versions.isEmpty()) {
            throw new UpdateException(
                    directory, "the listing has no file matching " + template.substring(slash + 1), false, null);
        }
        return versions.stream().map(v -> new UpstreamTag(v, null)).toList();
    }

    /** {@code hello-{version}.tar.gz} → {@code hello-(…)\.tar\.gz}: the version may hold digits, letters, dots, underscores. */
    static Pattern filePattern(String fileTemplate) {
        int at = fileTemplate.indexOf(VERSION_PLACEHOLDER);
        if (at < 0) {
            throw new UpdateException(fileTemplate, "the fetch file name does not carry the version", false, null);
        }
        String before = fileTemplate.substring(0, at);
        String after = fileTemplate.substring(at + VERSION_PLACEHOLDER.length());
        return Pattern.compile(Pattern.quote(before) + "(\\d[0-9A-Za-z._+~-]*?)" + Pattern.quote(after));
    }
}
