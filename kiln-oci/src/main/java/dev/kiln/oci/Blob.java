package dev.kiln.oci;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Content with its descriptor; {@link #open()} may be called any number of times. */
public interface Blob {
    Descriptor descriptor();

    InputStream open() throws IOException;

    /** All bytes; meant for manifests and configs, not for large layers. */
    default byte[] bytes() {
        try (InputStream in = open()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read blob " + descriptor().digest(), e);
        }
    }

    static Blob of(String mediaType, byte[] content) {
        return of(Descriptor.of(mediaType, content), content);
    }

    static Blob of(Descriptor descriptor, byte[] content) {
        if (content.length != descriptor.size()) {
            throw new OciException("blob " + descriptor.digest() + ": descriptor size " + descriptor.size() + " but "
                    + content.length + " bytes");
        }
        return new Blob() {
            @Override
            public Descriptor descriptor() {
                return descriptor;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(content);
            }

            @Override
            public byte[] bytes() {
                return content;
            }
        };
    }

    /** A blob stored in a file whose digest and size the descriptor already states. */
    static Blob ofFile(Descriptor descriptor, Path file) {
        return new Blob() {
            @Override
            public Descriptor descriptor() {
                return descriptor;
            }

            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(file);
            }
        };
    }
}
