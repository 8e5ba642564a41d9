package dev.kiln.build;

import dev.kiln.apk.ApkPackage;
import dev.kiln.apk.ApkReader;
import dev.kiln.apk.RepositoryPackage;
import dev.kiln.content.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The exact packages of a build or test environment, in install order, and how to get each one's
 * verified file, read as it is installed. Its {@link #key()} names the installed result: the same package set (names, versions
 * and checksums) is the same root filesystem, whatever asked for it.
 */
record ResolvedEnvironment(List<RepositoryPackage> packages, Fetch fetch) {
    /** Reads one package of the environment, handing its data to {@code sink}, and returns it verified. */
    interface Fetch {
        ApkPackage read(RepositoryPackage p, ApkReader.DataSink sink);
    }

    ResolvedEnvironment {
        packages = List.copyOf(packages);
    }

    /** SHA-256 over one {@code name-version checksum} line per package, in install order. */
    String key() {
        StringBuilder sb = new StringBuilder();
        for (RepositoryPackage p : packages) {
            sb.append(p.name())
                    .append('-')
                    .append(p.version())
                    .append(' ')
                    .append(p.entry().checksum())
                    .append('\n');
        }
        return Hashing.sha256Hex(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Each package's {@code name-version} and its index checksum (apk's Q1 SHA-1 of the control segment). */
    Map<String, String> checksums() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        packages.forEach(p -> out.put(p.name() + "-" + p.version(), p.entry().checksum()));
        return out;
    }
}
