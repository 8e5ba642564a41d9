package dev.kiln.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Runs the short, latency-sensitive commands once each in one JVM, on a throw-away package, image and
 * key in DIR. The launcher runs it under {@code -XX:ArchiveClassesAtExit} after each build of the jar,
 * so the class-data sharing archive holds what those commands load, not just what one of them does:
 * a cold {@code kiln image build} or {@code kiln verify} then skips most class loading and verifying.
 */
@Command(
        name = "startup-training",
        hidden = true,
        description = "Exercise the common commands once (used by the launcher to build its class-data archive).")
final class StartupTrainingCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "scratch directory (created; left for the caller to remove)")
    Path dir;

    @Option(names = "--recipes", description = "recipes to lint as part of the exercise")
    @Nullable
    Path recipes;

    private final List<String> failed = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("root/usr/bin"));
        Files.writeString(bin.resolve("train"), "#!/bin/sh\necho train\n");
        Files.setPosixFilePermissions(bin.resolve("train"), PosixFilePermissions.fromString("rwxr-xr-x"));
        String rsa = dir.resolve("train.rsa").toString();
        Path repo = dir.resolve("repo");
        Path layout = dir.resolve("layout");
        Path pass = Files.writeString(dir.resolve("pass"), "training\n");
        Path predicate = Files.writeString(
                dir.resolve("sbom.json"),
                "{\"spdxVersion\":\"SPDX-2.3\",\"SPDXID\":\"SPDXRef-DOCUMENT\",\"name\":\"train\",\"packages\":[]}");
        Path config = Files.writeString(dir.resolve("image.yaml"), """
                contents:
                  repositories: [repo]
                  keyring: [train.rsa.pub]
                  packages: [train]
                entrypoint:
                  command: /usr/bin/train
                accounts:
                  groups: [{groupname: nonroot, gid: 65532}]
                  users: [{username: nonroot, uid: 65532, gid: 65532}]
                  run-as: "65532"
                archs: [amd64]
                """, StandardCharsets.UTF_8);

        run("keygen", "--bits", "2048", rsa);
        run(
                "package",
                dir.resolve("root").toString(),
                "--name",
                "train",
                "--version",
                "1.0-r0",
                "--signing-key",
                rsa,
                "--out",
                repo.resolve("x86_64/train-1.0-r0.apk").toString());
        run("index", "--out-dir", repo.toString(), "--signing-key", rsa);
        run("image", "build", config.toString(), "train:1", layout.toString());
        run("image", "sbom", layout.toString());
        run(
                "keygen",
                "--type",
                "image",
                "--passphrase-file",
                pass.toString(),
                dir.resolve("train.key").toString());
        String key = dir.resolve("train.key").toString();
        String pub = dir.resolve("train.pub").toString();
        run("sign", "--offline", layout.toString(), "--key", key, "--passphrase-file", pass.toString());
        run(
                "attest",
                "--offline",
                layout.toString(),
                "--key",
                key,
                "--passphrase-file",
                pass.toString(),
                "--type",
                "spdx",
                "--predicate",
                predicate.toString());
        run("verify", "--offline", layout.toString(), "--key", pub);
        run("verify-attestation", "--offline", layout.toString(), "--key", pub, "--type", "spdx");
        run("inventory", layout.toString());
        if (recipes != null) {
            run("lint", recipes.toString(), "--summary");
        }
        if (!failed.isEmpty()) {
            spec.commandLine()
                    .getErr()
                    .println("startup training: these steps failed (the archive is still usable, "
                            + "with fewer classes): " + failed);
            return 1;
        }
        return 0;
    }

    private void run(String... args) {
        CommandLine cli = Kiln.newCommandLine(args[0]);
        PrintWriter quiet =
                new PrintWriter(new BufferedWriter(new OutputStreamWriter(OutputStream.nullOutputStream(), UTF_8)));
        cli.setOut(quiet);
        cli.setErr(quiet);
        if (cli.execute(args) != 0) {
            failed.add(String.join(" ", args));
        }
    }
}
