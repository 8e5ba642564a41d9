package dev.kiln.cli;

import dev.kiln.content.Digest;
import dev.kiln.image.ArchImage;
import dev.kiln.image.ImageBuild;
import dev.kiln.image.ImageBuildOptions;
import dev.kiln.image.ImageBuilder;
import dev.kiln.image.ImageException;
import dev.kiln.image.ImageLock;
import dev.kiln.image.ImageSpec;
import dev.kiln.image.ImageSpecLoader;
import dev.kiln.oci.DockerArchive;
import dev.kiln.oci.ImageSink;
import dev.kiln.oci.OciArchive;
import dev.kiln.oci.OciLayout;
import dev.kiln.oci.Platform;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "build", description = "Build CONFIG into OUT (an OCI layout directory or an archive) tagged TAG.")
final class ImageBuildCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "apko-compatible image config (YAML)")
    Path config;

    @Parameters(index = "1", paramLabel = "TAG", description = "tag or reference written into the output")
    String tag;

    @Parameters(index = "2", paramLabel = "OUT", description = "output directory or archive file")
    Path out;

    @Option(names = "--arch", split = ",", description = "architectures (APK or OCI names); default: the config's")
    List<String> archs = new ArrayList<>();

    @Option(names = "--format", description = "oci-layout, oci-archive or docker-archive (default: ${DEFAULT-VALUE})")
    String format = "oci-layout";

    @Option(names = "--repository", description = "local APK repository to resolve from; repeatable")
    List<String> repositories = new ArrayList<>();

    @Option(names = "--keyring", description = "trusted public key file or directory; repeatable")
    List<Path> keyring = new ArrayList<>();

    @Option(
            names = "--source-date-epoch",
            description = "timestamp of the image (default: $SOURCE_DATE_EPOCH, else the newest package build date)")
    @Nullable
    Long sourceDateEpoch;

    @Option(names = "--lockfile", description = "install exactly the packages of this lock (from `kiln image lock`)")
    @Nullable
    Path lockfile;

    @Option(names = "--json", description = "machine-readable output")
    boolean json;

    @Override
    public Integer call() {
        Output o = Output.of(spec, json);
        ImageSpec image = ImageSpecLoader.load(config);
        ImageBuildOptions options = options(config, archs, repositories, keyring, sourceDateEpoch, lockfile);
        ImageBuild build = new ImageBuilder(Clock.systemUTC()).build(image, options);
        build.warnings().forEach(w -> o.progress("warning: " + w, Output.fields("event", "warning", "message", w)));
        ImageSink sink = switch (format) {
            case "oci-layout" -> new OciLayout(out);
            case "oci-archive" -> new OciArchive(out);
            case "docker-archive" ->
                new DockerArchive(
                        out,
                        build.archs().size() == 1
                                ? null
                                : Platform.fromApkArch(build.archs().get(0).apkArch()));
            default ->
                throw new IllegalArgumentException(
                        "--format must be oci-layout, oci-archive or docker-archive, got '" + format + "'");
        };
        Digest digest = sink.write(build.images(), tag);
        for (ArchImage a : build.archs()) {
            o.say(a.platform() + " " + a.image().manifest().descriptor().digest() + " ("
                    + a.packages().size() + " packages)");
            o.emit(Output.fields(
                    "event",
                    "image",
                    "platform",
                    a.platform().toString(),
                    "digest",
                    a.image().manifest().descriptor().digest().toString(),
                    "packages",
                    a.packages().size()));
        }
        o.say("wrote " + out + " (" + format + ") " + tag + " " + digest);
        o.emit(Output.fields(
                "event",
                "built",
                "out",
                out.toString(),
                "format",
                format,
                "tag",
                tag,
                "digest",
                digest.toString(),
                "index",
                build.images().index().descriptor().digest().toString()));
        return 0;
    }

    /** Build inputs shared by build and publish; {@code $SOURCE_DATE_EPOCH} when no epoch is given. */
    static ImageBuildOptions options(
            Path config,
            List<String> archs,
            List<String> repositories,
            List<Path> keyring,
            @Nullable Long sourceDateEpoch,
            @Nullable Path lockfile) {
        Long epoch = Defaults.sourceDateEpoch(sourceDateEpoch);
        ImageLock lock = null;
        if (lockfile != null) {
            try {
                lock = ImageLock.parse(java.nio.file.Files.readAllBytes(lockfile), lockfile.toString());
            } catch (java.io.IOException e) {
                throw new ImageException("cannot read lock " + lockfile + ": " + e.getMessage(), e);
            }
        }
        return new ImageBuildOptions(
                archs,
                repositories,
                keyring,
                epoch,
                Objects.requireNonNull(config.toAbsolutePath().getParent(), "an absolute file path has a parent"),
                lock);
    }
}
