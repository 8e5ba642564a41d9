package dev.kiln.testkit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small upstream C project: a shared library with a soname, a program linked to it, a
 * header and a pkg-config file, with a Makefile that honours CFLAGS/LDFLAGS/DESTDIR like a
 * well-behaved upstream. Enough to exercise splitting, dependency detection and hardening.
 */
public final class CProject {
    private CProject() {}

    /** The project's files; {@code greeting} is what the program prints. */
    public static Map<String, String> files(String version, String greeting) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("greet.h", "#ifndef GREET_H\n#define GREET_H\nconst char *greet_text(void);\n#endif\n");
        files.put(
                "libgreet.c", "#include \"greet.h\"\nconst char *greet_text(void) { return \"" + greeting + "\"; }\n");
        files.put("main.c", """
                #include <stdio.h>
                #include <string.h>
                #include "greet.h"
                int main(int argc, char **argv) {
                    char buf[64];
                    strncpy(buf, greet_text(), sizeof buf - 1);
                    buf[sizeof buf - 1] = 0;
                    if (argc > 1 && strcmp(argv[1], "--version") == 0) { puts("greet VERSION"); return 0; }
                    printf("%s\\n", buf);
                    return 0;
                }
                """.replace("VERSION", version));
        files.put(
                "greet.pc.in",
                "prefix=/usr\nlibdir=${prefix}/lib\nincludedir=${prefix}/include\n\n"
                        + "Name: greet\nDescription: greetings\nVersion: " + version
                        + "\nLibs: -L${libdir} -lgreet\nCflags: -I${includedir}\n");
        files.put("Makefile", """
                PREFIX ?= /usr
                all: greet libgreet.so.1.0.0

                libgreet.so.1.0.0: libgreet.c greet.h
                \t$(CC) $(CFLAGS) -fPIC -shared -Wl,-z,relro -Wl,-z,now -Wl,-soname,libgreet.so.1 -o $@ libgreet.c
                \tln -sf libgreet.so.1.0.0 libgreet.so.1
                \tln -sf libgreet.so.1 libgreet.so

                greet: main.c greet.h libgreet.so.1.0.0
                \t$(CC) $(CFLAGS) $(LDFLAGS) -o $@ main.c -L. -lgreet

                install: all
                \tinstall -Dm755 greet $(DESTDIR)$(PREFIX)/bin/greet
                \tinstall -Dm755 libgreet.so.1.0.0 $(DESTDIR)$(PREFIX)/lib/libgreet.so.1.0.0
                \tln -sf libgreet.so.1.0.0 $(DESTDIR)$(PREFIX)/lib/libgreet.so.1
                \tln -sf libgreet.so.1 $(DESTDIR)$(PREFIX)/lib/libgreet.so
                \tinstall -Dm644 greet.h $(DESTDIR)$(PREFIX)/include/greet.h
                \tinstall -Dm644 greet.pc.in $(DESTDIR)$(PREFIX)/lib/pkgconfig/greet.pc

                .PHONY: all install
                """.replace("\\t", "\t"));
        return files;
    }

    /** A unified diff (for {@code patch -p1}) that changes the greeting in libgreet.c. */
    public static String greetingPatch(String from, String to) {
        return "--- a/libgreet.c\n+++ b/libgreet.c\n@@ -1,2 +1,2 @@\n #include \"greet.h\"\n"
                + "-const char *greet_text(void) { return \"" + from + "\"; }\n"
                + "+const char *greet_text(void) { return \"" + to + "\"; }\n";
    }
}
