package dev.kiln.content;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.Deflater;
import org.jspecify.annotations.Nullable;

/**
 * Compresses independent raw-deflate blocks on a shared pool of daemon threads, one per core.
 * Each block carries its own dictionary, so blocks can be compressed in any order and on any
 * thread with the same result.
 */
final class BlockCompressor {
    private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
    /** Blocks in flight per stream before the writer waits: enough to keep every core busy. */
    static final int QUEUE_DEPTH = THREADS * 3;

    private static final int DICTIONARY = 32 * 1024;

    private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new Thread(r, "kiln-deflate");
        t.setDaemon(true);
        return t;
    });
    private static final ThreadLocal<Deflater[]> DEFLATERS = ThreadLocal.withInitial(() -> new Deflater[10]);

    private BlockCompressor() {}

    static Future<byte[]> submit(byte[] block, int length, byte @Nullable [] previousBlock, int level, boolean last) {
        return POOL.submit(() -> compress(block, length, previousBlock, level, last));
    }

    static byte[] await(Future<byte[]> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while compressing", e);
        } catch (ExecutionException e) {
            throw new IOException("compression failed: " + e.getCause(), e.getCause());
        }
    }

    private static byte[] compress(byte[] block, int length, byte @Nullable [] previousBlock, int level, boolean last) {
        Deflater[] byLevel = DEFLATERS.get();
        Deflater deflater = byLevel[level];
        if (deflater == null) {
            deflater = new Deflater(level, true);
            byLevel[level] = deflater;
        }
        deflater.reset();
        if (previousBlock != null) {
            deflater.setDictionary(previousBlock, previousBlock.length - DICTIONARY, DICTIONARY);
        }
        deflater.setInput(block, 0, length);
        if (last) {
            deflater.finish();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length / 2 + 64);
        byte[] buffer = new byte[64 * 1024];
        int mode = last ? Deflater.NO_FLUSH : Deflater.SYNC_FLUSH;
        while (true) {
            int n = deflater.deflate(buffer, 0, buffer.length, mode);
            out.write(buffer, 0, n);
            if (last ? deflater.finished() : (n < buffer.length && deflater.needsInput())) {
                break;
            }
        }
        return out.toByteArray();
    }
}
