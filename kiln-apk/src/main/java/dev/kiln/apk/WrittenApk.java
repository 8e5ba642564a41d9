package dev.kiln.apk;

import dev.kiln.content.Digest;
import java.nio.file.Path;

/**
 * A package written by {@link ApkWriter}: the final {@code .PKGINFO} (with size and datahash), the
 * identity {@code Q1...} (base64 SHA-1 of the control stream), the file size and its SHA-256.
 */
public record WrittenApk(Path file, PkgInfo pkgInfo, String identity, long fileSize, Digest sha256) {}
