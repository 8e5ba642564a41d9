package dev.kiln.registry.internal;

import java.nio.file.FileSystemException;

/**
 * Recognises a failure caused by a full file system. Java has no exception type for ENOSPC or
 * EDQUOT: the operating system's message is all there is, so this reads it along the cause chain.
 */
final class DiskFull {
    private static final String[] MESSAGES = {"No space left on device", "Disk quota exceeded"};

    private DiskFull() {}

    static boolean isCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message =
                    t instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : t.getMessage();
            if (message != null) {
                for (String m : MESSAGES) {
                    if (message.contains(m)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** 507: the client did nothing wrong and may retry the same request once space is freed. */
    static HttpError error() {
        return new HttpError(
                507,
                ErrorCode.UNKNOWN,
                "registry storage is full (no space left on device); nothing was "
                        + "stored, retry once space is freed");
    }
}
