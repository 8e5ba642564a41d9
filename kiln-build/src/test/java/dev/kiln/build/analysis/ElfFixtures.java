package dev.kiln.build.analysis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds real ELF files with the host's C compiler, once per test class. */
final class ElfFixtures {

    static final String PROGRAM = """
            #include <stdio.h>
            #include <string.h>
            extern int demo(int);
            int main(int argc, char **argv) {
                char buf[64];
                strcpy(buf, argc > 1 ? argv[1] : "kiln");
                printf("%s %d\\n", buf, demo(argc));
                return 0;
            }
            """;
    static final String PLAIN = """
            #include <stdio.h>
            int main(int argc, char **argv) { puts(argv[0]); return argc - 1; }
            """;
    static final String LIBRARY = "int demo(int x) { return x * 2; }\n";

    final Path dir;
    final Path hardened;
    final Path weak;
    final Path library;
    final Path vendoredLibrary;
    final Path staticBinary;
    final Path muslLinked;
    final Path cetObject;
    final Path plainObject;
    final Path withDebug;

    ElfFixtures(Path dir) throws IOException {
        this.dir = dir;
        write("program.c", PROGRAM);
        write("plain.c", PLAIN);
        write("demo.c", LIBRARY);
        library = dir.resolve("libdemo.so.1.2.3");
        cc(
                "-shared",
                "-fPIC",
                "-O2",
                "-Wl,-soname,libdemo.so.1",
                "-Wl,-z,relro,-z,now",
                "-o",
                library.toString(),
                "demo.c");
        vendoredLibrary = dir.resolve("libvendored.so");
        cc(
                "-shared",
                "-fPIC",
                "-Wl,-soname,libvendored.so",
                "-Wl,-z,relro,-z,now",
                "-o",
                vendoredLibrary.toString(),
                "demo.c");
        Files.createSymbolicLink(dir.resolve("libdemo.so"), library.getFileName());
        hardened = dir.resolve("hardened");
        cc(
                "-fPIE",
                "-pie",
                "-Wl,-z,relro,-z,now",
                "-fstack-protector-strong",
                "-D_FORTIFY_SOURCE=2",
                "-O2",
                "-Wl,-z,noexecstack",
                "-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib",
                "-o",
                hardened.toString(),
                "program.c",
                "-L.",
                "-ldemo");
        weak = dir.resolve("weak");
        cc(
                "-no-pie",
                "-fno-PIE",
                "-fno-stack-protector",
                "-U_FORTIFY_SOURCE",
                "-O0",
                "-Wl,-z,norelro",
                "-Wl,-z,lazy",
                "-z",
                "execstack",
                "-o",
                weak.toString(),
                "plain.c");
        staticBinary = dir.resolve("static");
        cc("-static", "-O2", "-o", staticBinary.toString(), "plain.c");
        muslLinked = dir.resolve("musl");
        cc("-fPIE", "-pie", "-Wl,--dynamic-linker=/lib/ld-musl-x86_64.so.1", "-o", muslLinked.toString(), "plain.c");
        cetObject = dir.resolve("cet.o");
        cc("-c", "-fcf-protection=full", "-o", cetObject.toString(), "plain.c");
        plainObject = dir.resolve("plain.o");
        cc("-c", "-fcf-protection=none", "-o", plainObject.toString(), "plain.c");
        withDebug = dir.resolve("with-debug");
        cc("-g", "-o", withDebug.toString(), "plain.c");
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private void cc(String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("cc"));
        argv.addAll(List.of(args));
        run(dir, argv);
    }

    static void run(Path dir, List<String> argv) throws IOException {
        Process p = new ProcessBuilder(argv)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", argv) + " failed:\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Copies {@code source} to {@code packageDir/rel} with the given octal mode. */
    static Path install(Path source, Path packageDir, String rel, String mode) throws IOException {
        Path target = packageDir.resolve(rel);
        Files.createDirectories(target.getParent());
        Files.copy(source, target);
        chmod(target, mode);
        return target;
    }

    static Path installText(String text, Path packageDir, String rel, String mode) throws IOException {
        Path target = packageDir.resolve(rel);
        Files.createDirectories(target.getParent());
        Files.writeString(target, text, StandardCharsets.UTF_8);
        chmod(target, mode);
        return target;
    }

    /** chmod(1), because Java cannot set the setuid, setgid and sticky bits. */
    static void chmod(Path target, String mode) throws IOException {
        run(target.getParent(), List.of("chmod", mode, target.toString()));
    }
}
