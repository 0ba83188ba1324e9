package io.deltaq.s3io;

import java.net.URI;

/**
 * A bucket and a key prefix, parsed from {@code s3://bucket/prefix}. The prefix has no leading or
 * trailing slash; an empty prefix is the bucket's root.
 */
public record S3Location(String bucket, String prefix) {

    public S3Location {
        if (bucket == null || bucket.isEmpty()) {
            throw new IllegalArgumentException("an S3 location needs a bucket");
        }
        prefix = trimSlashes(prefix == null ? "" : prefix);
    }

    /** Parses {@code s3://bucket[/prefix]} (also {@code s3a://}, which Hadoop users write). */
    public static S3Location parse(String address) {
        URI uri;
        try {
            uri = URI.create(address);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an S3 address: '" + address + "': " + e.getMessage(), e);
        }
        String scheme = uri.getScheme();
        if (!"s3".equalsIgnoreCase(scheme) && !"s3a".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("not an S3 address (expected s3://bucket/prefix): '" + address + "'");
        }
        String bucket = uri.getAuthority();
        if (bucket == null || bucket.isEmpty()) {
            throw new IllegalArgumentException("S3 address has no bucket: '" + address + "'");
        }
        return new S3Location(bucket, uri.getPath());
    }

    /** The full object key of a key relative to this location. */
    public String keyOf(String relativeKey) {
        return prefix.isEmpty() ? relativeKey : prefix + "/" + relativeKey;
    }

    /** The key relative to this location of a full object key under it. */
    public String relativize(String fullKey) {
        return prefix.isEmpty() ? fullKey : fullKey.substring(prefix.length() + 1);
    }

    @Override
    public String toString() {
        return prefix.isEmpty() ? "s3://" + bucket : "s3://" + bucket + "/" + prefix;
    }

    private static String trimSlashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '/') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(start, end);
    }
}
