package dev.kiln.server.state;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * Keeps one copy of the SQLite driver's native library beside the database and points the driver at it.
 * Left alone, sqlite-jdbc inflates its 1 MiB library from the jar into the temporary directory and
 * compares it byte by byte on every start: a sixth of a {@code kiln up} with nothing to do. The copy is
 * named after the driver's version and must have the size of the library in the jar; anything unexpected
 * (another OS or libc, no version to name it by, an I/O error) leaves the driver to do as it always does.
 */
final class SqliteNativeLibrary {
    private static final String NAME = "libsqlitejdbc.so";
    private static final String VERSION = "META-INF/maven/org.xerial/sqlite-jdbc/pom.properties";

    private SqliteNativeLibrary() {}

    /** Points the driver at a copy under {@code dir}, making it when missing; does nothing when it cannot. */
    static void useCopyUnder(Path dir) {
        if (System.getProperty("org.sqlite.lib.path") != null || !glibcLinux()) {
            return;
        }
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> null;
        };
        ClassLoader loader = SqliteNativeLibrary.class.getClassLoader();
        URL library = arch == null ? null : loader.getResource("org/sqlite/native/Linux/" + arch + "/" + NAME);
        String version = version(loader);
        if (library == null || version == null) {
            return;
        }
        try {
            URLConnection connection = library.openConnection();
            long size = connection.getContentLengthLong();
            Path copyDir = dir.resolve("sqlite-jdbc-" + version + "-" + arch);
            Path copy = copyDir.resolve(NAME);
            if (size <= 0 || !Files.isRegularFile(copy) || Files.size(copy) != size) {
                Files.createDirectories(copyDir);
                Path tmp = Files.createTempFile(copyDir, NAME, ".part");
                try (InputStream in = connection.getInputStream()) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            System.setProperty("org.sqlite.lib.path", copyDir.toAbsolutePath().toString());
            System.setProperty("org.sqlite.lib.name", NAME);
        } catch (IOException | RuntimeException e) {
            // the driver's own extraction still works; this was only a shortcut
        }
    }

    private static @Nullable String version(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(VERSION)) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version");
            return v != null && v.matches("[0-9A-Za-z.-]+") ? v : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The driver ships a glibc build as Linux/ARCH and a musl build elsewhere; only the former is copied. */
    private static boolean glibcLinux() {
        if (!System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return false;
        }
        try (var loaders = Files.list(Path.of("/lib"))) {
            return loaders.noneMatch(p -> p.getFileName().toString().startsWith("ld-musl-"));
        } catch (IOException e) {
            return false;
        }
    }
}
