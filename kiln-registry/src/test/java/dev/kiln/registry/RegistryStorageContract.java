package dev.kiln.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.content.Digest;
import dev.kiln.registry.RegistryStorage.StoredManifest;
import dev.kiln.registry.RegistryStorage.Upload;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RegistryStorage} promises, run against each implementation. {@link #open()}
 * returns a new instance over the same store on every call, as a second registry process would
 * open it: what one instance writes, another must see, and an upload one starts another continues.
 */
abstract class RegistryStorageContract {
    static final long NO_LIMIT = Long.MAX_VALUE;

    /** A new storage instance over this test's store (the same store on every call). */
    abstract RegistryStorage open() throws Exception;

    static InputStream bytes(byte[] b) {
        return new ByteArrayInputStream(b);
    }

    static byte[] read(RegistryStorage storage, Digest digest, long from) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SeekableByteChannel channel = storage.openBlob(digest)) {
            channel.position(from);
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 16);
            while (channel.read(buf.clear()) > 0) {
                buf.flip();
                byte[] chunk = new byte[buf.remaining()];
                buf.get(chunk);
                out.write(chunk);
            }
        }
        return out.toByteArray();
    }

    static StoredManifest manifest(byte[] body, Digest subject, Digest... references) {
        return new StoredManifest(
                Digest.sha256(body), TestContent.OCI_MANIFEST, body, subject, null, null, List.of(references));
    }

    /** Uploads {@code blob} into {@code repository} in one piece and returns its sha256. */
    private static Digest uploaded(RegistryStorage storage, String repository, byte[] blob) throws Exception {
        Digest digest = Digest.sha256(blob);
        Upload upload = storage.startUpload(repository, "sha256");
        upload.append(bytes(blob), NO_LIMIT);
        upload.commit(digest);
        return digest;
    }

    /** What the blob GET relies on: a channel's size and then its bytes, and an absent blob as a missing file. */
    @Test
    void openBlobGivesSizeThenBytesOnlyWhereLinkedAndFailsAsMissingFileWhenAbsent() throws Exception {
        RegistryStorage storage = open();
        byte[] blob = TestContent.random(31, 2500);
        Digest digest = uploaded(storage, "app", blob);

        try (SeekableByteChannel channel = storage.openBlob(digest)) {
            assertThat(channel.size()).isEqualTo(2500L);
            ByteBuffer buf = ByteBuffer.allocate(4096);
            while (channel.read(buf) > 0) {
                // until the end
            }
            assertThat(java.util.Arrays.copyOf(buf.array(), buf.position())).isEqualTo(blob);
        }
        try (SeekableByteChannel channel = storage.openLinkedBlob("app", digest).orElseThrow()) {
            assertThat(channel.size()).isEqualTo(2500L);
        }
        // Stored, but not in this repository: nothing to read, whatever the store holds.
        assertThat(storage.openLinkedBlob("other", digest)).isEmpty();
        Digest absent = Digest.sha256(TestContent.random(32, 10));
        assertThat(storage.openLinkedBlob("app", absent)).isEmpty();
        assertThatThrownBy(() -> {
                    try (SeekableByteChannel channel = storage.openBlob(absent)) {
                        channel.size();
                    }
                })
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    @Test
    void blobIsVisibleOnlyAfterItsUploadCommits() throws Exception {
        RegistryStorage storage = open();
        byte[] blob = TestContent.random(1, 3000);
        Digest digest = Digest.sha256(blob);
        Upload upload = storage.startUpload("app", "sha256");
        upload.append(bytes(blob), NO_LIMIT);
        assertThat(storage.blobSize(digest)).isEmpty();
        assertThat(storage.isLinked("app", digest)).isFalse();

        upload.commit(digest);

        assertThat(storage.blobSize(digest)).contains(3000L);
        assertThat(storage.isLinked("app", digest)).isTrue();
        assertThat(storage.isLinked("other", digest)).isFalse();
        assertThat(read(storage, digest, 0)).isEqualTo(blob);
        assertThat(read(storage, digest, 2990)).isEqualTo(java.util.Arrays.copyOfRange(blob, 2990, 3000));
        assertThat(storage.uploads()).isEmpty();
    }

    @Test
    void uploadWithTheWrongDigestPublishesNothing() throws Exception {
        RegistryStorage storage = open();
        byte[] blob = TestContent.random(2, 1000);
        Digest claimed = Digest.sha256("something else".getBytes(StandardCharsets.UTF_8));
        Upload upload = storage.startUpload("app", "sha256");
        upload.append(bytes(blob), NO_LIMIT);

        assertThatThrownBy(() -> upload.commit(claimed))
                .isInstanceOf(RegistryStorage.DigestMismatchException.class)
                .hasMessageContaining(Digest.sha256(blob).toString())
                .hasMessageContaining(claimed.toString());

        assertThat(storage.blobSize(claimed)).isEmpty();
        assertThat(storage.blobSize(Digest.sha256(blob))).isEmpty();
        assertThat(storage.upload("app", upload.id())).isEmpty();
    }

    @Test
    void largeBlobInUnevenChunksKeepsEveryByte() throws Exception {
        RegistryStorage storage = open();
        // A short chunk between two long ones, ending short: crosses 8 MiB parts and rewrites a short tail.
        byte[] blob = TestContent.random(3, (6 << 20) + 100 + (11 << 20) + 7);
        int[] cuts = {0, 6 << 20, (6 << 20) + 100, blob.length};
        Upload upload = storage.startUpload("big", "sha256");
        for (int i = 0; i + 1 < cuts.length; i++) {
            upload.append(new ByteArrayInputStream(blob, cuts[i], cuts[i + 1] - cuts[i]), NO_LIMIT);
            assertThat(upload.size()).isEqualTo(cuts[i + 1]);
        }
        upload.commit(Digest.sha256(blob));

        assertThat(storage.blobSize(Digest.sha256(blob))).contains((long) blob.length);
        assertThat(read(storage, Digest.sha256(blob), 0)).isEqualTo(blob);
    }

    @Test
    void oneChunkOfDeclaredLengthCommitsWhole() throws Exception {
        RegistryStorage storage = open();
        byte[] blob = TestContent.random(20, (9 << 20) + 5);
        Upload upload = storage.startUpload("app", "sha256");

        assertThat(upload.append(bytes(blob), blob.length, NO_LIMIT)).isEqualTo(blob.length);
        assertThat(storage.blobSize(Digest.sha256(blob))).isEmpty();
        upload.commit(Digest.sha256(blob));

        assertThat(storage.blobSize(Digest.sha256(blob))).contains((long) blob.length);
        assertThat(read(storage, Digest.sha256(blob), (8 << 20) + 1))
                .isEqualTo(java.util.Arrays.copyOfRange(blob, (8 << 20) + 1, blob.length));
        assertThat(storage.isLinked("app", Digest.sha256(blob))).isTrue();
    }

    @Test
    void chunksOfDeclaredAndUndeclaredLengthsMixAcrossInstances() throws Exception {
        RegistryStorage first = open();
        RegistryStorage second = open();
        byte[] blob = TestContent.random(21, (9 << 20) + (10 << 20) + 3);
        int[] cuts = {0, 9 << 20, (9 << 20) + (10 << 20), blob.length};
        Upload upload = first.startUpload("app", "sha256");
        upload.append(new ByteArrayInputStream(blob, 0, cuts[1]), cuts[1], NO_LIMIT);
        Upload continued = second.upload("app", upload.id()).orElseThrow();
        continued.append(new ByteArrayInputStream(blob, cuts[1], cuts[2] - cuts[1]), cuts[2] - cuts[1], NO_LIMIT);
        continued.append(new ByteArrayInputStream(blob, cuts[2], cuts[3] - cuts[2]), NO_LIMIT);
        // completed by an instance that saw none of the bytes: the stored bytes are hashed again
        Upload last = open().upload("app", upload.id()).orElseThrow();
        assertThat(last.size()).isEqualTo(blob.length);
        last.commit(Digest.sha256(blob));

        assertThat(read(first, Digest.sha256(blob), 0)).isEqualTo(blob);
    }

    @Test
    void aChunkOfDeclaredLengthThatFailsPartWayIsRolledBack() throws Exception {
        RegistryStorage storage = open();
        int declared = 9 << 20;
        Upload upload = storage.startUpload("app", "sha256");
        InputStream broken = new java.io.SequenceInputStream(bytes(TestContent.random(22, 1 << 20)), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("client went away");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                throw new IOException("client went away");
            }
        });

        assertThatThrownBy(() -> upload.append(broken, declared, NO_LIMIT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("client went away");

        Upload again = storage.upload("app", upload.id()).orElseThrow();
        assertThat(again.size()).isZero();
        byte[] blob = TestContent.random(23, declared);
        again.append(bytes(blob), declared, NO_LIMIT);
        again.commit(Digest.sha256(blob));
        assertThat(read(storage, Digest.sha256(blob), 0)).isEqualTo(blob);
    }

    @Test
    void uploadStartedOnOneInstanceContinuesAndCompletesOnAnother() throws Exception {
        RegistryStorage first = open();
        RegistryStorage second = open();
        byte[] blob = TestContent.random(4, 5000);
        Upload started = first.startUpload("app", "sha256");
        started.append(new ByteArrayInputStream(blob, 0, 2000), NO_LIMIT);

        Upload continued = second.upload("app", started.id()).orElseThrow();
        assertThat(continued.size()).isEqualTo(2000);
        continued.append(new ByteArrayInputStream(blob, 2000, 3000), NO_LIMIT);
        assertThat(second.uploads()).extracting(Upload::id).contains(started.id());
        continued.commit(Digest.sha256(blob));

        assertThat(read(first, Digest.sha256(blob), 0)).isEqualTo(blob);
        assertThat(first.isLinked("app", Digest.sha256(blob))).isTrue();
        assertThat(first.upload("app", started.id())).isEmpty();
        assertThat(second.upload("other", started.id())).isEmpty();
    }

    @Test
    void appendFromAStaleViewIsRefusedAndKeepsNothing() throws Exception {
        RegistryStorage first = open();
        RegistryStorage second = open();
        Upload upload = first.startUpload("app", "sha256");
        Upload a = first.upload("app", upload.id()).orElseThrow();
        Upload b = second.upload("app", upload.id()).orElseThrow();
        byte[] winner = "written first".getBytes(StandardCharsets.UTF_8);

        a.append(bytes(winner), NO_LIMIT);

        assertThatThrownBy(() -> b.append(bytes("written second".getBytes(StandardCharsets.UTF_8)), NO_LIMIT))
                .isInstanceOf(RegistryStorage.UploadConflictException.class)
                .hasMessageContaining(upload.id());
        Upload fresh = second.upload("app", upload.id()).orElseThrow();
        assertThat(fresh.size()).isEqualTo(winner.length);
        fresh.commit(Digest.sha256(winner));
        assertThat(read(first, Digest.sha256(winner), 0)).isEqualTo(winner);
    }

    @Test
    void appendFromAStaleViewAfterAShortChunkIsRefused() throws Exception {
        RegistryStorage first = open();
        RegistryStorage second = open();
        Upload upload = first.startUpload("app", "sha256");
        upload.append(bytes(TestContent.random(12, 100)), NO_LIMIT);
        Upload a = first.upload("app", upload.id()).orElseThrow();
        Upload b = second.upload("app", upload.id()).orElseThrow();
        a.append(bytes(TestContent.random(13, 200)), NO_LIMIT);

        assertThatThrownBy(() -> b.append(bytes(TestContent.random(14, 50)), NO_LIMIT))
                .isInstanceOf(RegistryStorage.UploadConflictException.class);
        assertThat(second.upload("app", upload.id()).orElseThrow().size()).isEqualTo(300);
    }

    @Test
    void aChunkThatFailsPartWayIsRolledBack() throws Exception {
        RegistryStorage storage = open();
        byte[] first = TestContent.random(5, 700);
        Upload upload = storage.startUpload("app", "sha256");
        upload.append(bytes(first), NO_LIMIT);
        InputStream broken = new java.io.SequenceInputStream(bytes(TestContent.random(6, 9000)), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("client went away");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                throw new IOException("client went away");
            }
        });

        assertThatThrownBy(() -> upload.append(broken, NO_LIMIT)).hasMessageContaining("client went away");

        Upload again = storage.upload("app", upload.id()).orElseThrow();
        assertThat(again.size()).isEqualTo(700);
        byte[] rest = TestContent.random(7, 300);
        again.append(bytes(rest), NO_LIMIT);
        byte[] whole = new byte[1000];
        System.arraycopy(first, 0, whole, 0, 700);
        System.arraycopy(rest, 0, whole, 700, 300);
        again.commit(Digest.sha256(whole));
        assertThat(read(storage, Digest.sha256(whole), 0)).isEqualTo(whole);
    }

    @Test
    void uploadOverItsLimitIsRolledBack() throws Exception {
        RegistryStorage storage = open();
        Upload upload = storage.startUpload("app", "sha256");
        assertThatThrownBy(() -> upload.append(bytes(TestContent.random(8, 500)), 100))
                .isInstanceOf(RegistryStorage.UploadTooLargeException.class);
        assertThat(storage.upload("app", upload.id()).orElseThrow().size()).isZero();
    }

    @Test
    void cancelledUploadIsGoneForEveryInstance() throws Exception {
        RegistryStorage first = open();
        Upload upload = first.startUpload("app", "sha256");
        upload.append(bytes(TestContent.random(9, 100)), NO_LIMIT);
        upload.cancel();
        assertThat(open().upload("app", upload.id())).isEmpty();
        assertThat(open().uploads()).extracting(Upload::id).doesNotContain(upload.id());
    }

    @Test
    void emptyBlobCommits() throws Exception {
        RegistryStorage storage = open();
        Upload upload = storage.startUpload("app", "sha256");
        upload.commit(Digest.sha256(new byte[0]));
        assertThat(storage.blobSize(Digest.sha256(new byte[0]))).contains(0L);
    }

    @Test
    void sha512UploadsAreCheckedWithSha512() throws Exception {
        RegistryStorage storage = open();
        byte[] blob = TestContent.random(10, 400);
        Digest digest = new Digest(
                "sha512",
                dev.kiln.content.Hashing.hex(dev.kiln.content.Hashing.sha512().digest(blob)));
        Upload upload = storage.startUpload("app", "sha512");
        upload.append(bytes(blob), NO_LIMIT);
        upload.commit(digest);
        assertThat(read(storage, digest, 0)).isEqualTo(blob);
    }

    @Test
    void manifestsTagsAndReferrersAreSeenByAnotherInstance() throws Exception {
        RegistryStorage writer = open();
        byte[] config = TestContent.config("amd64");
        Upload upload = writer.startUpload("team/app", "sha256");
        upload.append(bytes(config), NO_LIMIT);
        upload.commit(Digest.sha256(config));
        byte[] body = TestContent.manifest(config);
        StoredManifest image = manifest(body, null, Digest.sha256(config));
        writer.putManifest("team/app", image);
        writer.tag("team/app", "v1", image.digest());
        writer.tag("team/app", "latest", image.digest());
        byte[] sigBody = "{\"schemaVersion\":2,\"signature\":1}".getBytes(StandardCharsets.UTF_8);
        StoredManifest signature = manifest(sigBody, image.digest());
        writer.putManifest("team/app", signature);

        RegistryStorage reader = open();
        StoredManifest read = reader.manifest("team/app", image.digest()).orElseThrow();
        assertThat(read.body()).isEqualTo(body);
        assertThat(read.mediaType()).isEqualTo(TestContent.OCI_MANIFEST);
        assertThat(read.references()).containsExactly(Digest.sha256(config));
        assertThat(reader.resolveTag("team/app", "v1")).contains(image.digest());
        assertThat(reader.tags("team/app")).containsExactly("latest", "v1");
        assertThat(reader.repositories()).containsExactly("team/app");
        assertThat(reader.repositoryExists("team/app")).isTrue();
        assertThat(reader.repositoryExists("team")).isFalse();
        assertThat(reader.manifests("team/app")).containsExactlyInAnyOrder(image.digest(), signature.digest());
        assertThat(reader.referrers("team/app", image.digest()))
                .extracting(StoredManifest::digest)
                .containsExactly(signature.digest());
        assertThat(reader.manifest("other", image.digest())).isEmpty();
    }

    @Test
    void movingATagReplacesItAndDeletingAManifestKeepsTagsThatMovedOn() throws Exception {
        RegistryStorage storage = open();
        StoredManifest one = manifest("{\"n\":1}".getBytes(StandardCharsets.UTF_8), null);
        StoredManifest two = manifest("{\"n\":2}".getBytes(StandardCharsets.UTF_8), null);
        storage.putManifest("app", one);
        storage.putManifest("app", two);
        storage.tag("app", "stable", one.digest());
        storage.tag("app", "latest", one.digest());
        open().tag("app", "latest", two.digest());

        assertThat(storage.resolveTag("app", "latest")).contains(two.digest());
        assertThat(storage.deleteManifest("app", one.digest())).isTrue();

        assertThat(storage.manifest("app", one.digest())).isEmpty();
        assertThat(storage.tags("app")).containsExactly("latest");
        assertThat(storage.resolveTag("app", "latest")).contains(two.digest());
        assertThat(storage.deleteManifest("app", one.digest())).isFalse();
        assertThat(storage.deleteTag("app", "latest")).isTrue();
        assertThat(storage.deleteTag("app", "latest")).isFalse();
    }

    @Test
    void aTouchedBlobIsListedAsUsedNowAndAnAbsentOneStaysAbsent() throws Exception {
        RegistryStorage storage = open();
        byte[] blob = TestContent.random(24, 64);
        Digest digest = uploaded(storage, "a", blob);
        java.time.Instant written = lastUse(storage, digest);
        Thread.sleep(2100); // S3 keeps times to the second

        open().touchBlob(digest);
        Digest absent = Digest.sha256(TestContent.random(25, 64));
        open().touchBlob(absent);

        assertThat(lastUse(storage, digest)).isAfter(written);
        assertThat(storage.blobSize(absent)).isEmpty();
        assertThat(storage.blobs())
                .extracting(RegistryStorage.BlobEntry::digest)
                .doesNotContain(absent);
    }

    static java.time.Instant lastUse(RegistryStorage storage, Digest digest) {
        return storage.blobs().stream()
                .filter(e -> e.digest().equals(digest))
                .findFirst()
                .orElseThrow()
                .modified();
    }

    @Test
    void blobsAreListedAndDeletedWithTheirLinks() throws Exception {
        RegistryStorage storage = open();
        byte[] blob = TestContent.random(11, 64);
        Digest digest = uploaded(storage, "a", blob);
        storage.link("b/c", digest);

        assertThat(storage.blobs())
                .extracting(RegistryStorage.BlobEntry::digest)
                .contains(digest);
        assertThat(storage.blobs())
                .filteredOn(e -> e.digest().equals(digest))
                .extracting(RegistryStorage.BlobEntry::size)
                .containsExactly(64L);
        assertThat(storage.repositories()).containsExactly("a", "b/c");
        assertThat(storage.unlink("a", digest)).isTrue();
        assertThat(storage.unlink("a", digest)).isFalse();

        storage.deleteBlob(digest);

        assertThat(storage.blobSize(digest)).isEmpty();
        assertThat(storage.isLinked("b/c", digest)).isFalse();
    }
}
