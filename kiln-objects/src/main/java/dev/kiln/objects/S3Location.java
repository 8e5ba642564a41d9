package dev.kiln.objects;

/**
 * Where in an S3-compatible store something lives (a registry, build outputs, an APK repository):
 * {@code s3://BUCKET/PREFIX}. The endpoint, region
 * and credentials come from the usual AWS environment variables and files, not from the URL.
 *
 * @param prefix key prefix without leading or trailing slash; empty for the bucket's root
 */
public record S3Location(String bucket, String prefix) {
    public S3Location {
        // Bucket naming rules (S3 user guide): 3 to 63 characters, lower case letters, digits, dots and hyphens.
        if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new ObjectStoreException(
                    "S3 bucket name must be 3 to 63 lower-case letters, digits, '.' or '-', got '" + bucket + "'");
        }
        prefix = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
    }

    /** Parses {@code s3://bucket} or {@code s3://bucket/some/prefix}. */
    public static S3Location parse(String url) {
        if (!url.startsWith("s3://")) {
            throw new ObjectStoreException("S3 storage must be written s3://BUCKET/PREFIX, got '" + url + "'");
        }
        String rest = url.substring("s3://".length());
        int slash = rest.indexOf('/');
        return slash < 0
                ? new S3Location(rest, "")
                : new S3Location(rest.substring(0, slash), rest.substring(slash + 1));
    }

    /** The key of a path under the prefix. */
    public String key(String path) {
        return prefix.isEmpty() ? path : prefix + "/" + path;
    }

    /** The location of a folder under this one: {@code s3://b/p} resolves {@code repository} to {@code s3://b/p/repository}. */
    public S3Location resolve(String path) {
        return new S3Location(bucket, key(path));
    }

    @Override
    public String toString() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }
}
