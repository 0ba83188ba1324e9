package io.deltaq.s3io;

import java.net.URI;
import java.nio.file.Path;

/** Opens the store an address names: {@code s3://bucket/prefix}, {@code file:///dir} or a plain path. */
public final class ObjectStores {

    private ObjectStores() {
    }

    /** Opens {@code address}; S3 settings come from the environment and the SDK's default chains. */
    public static ObjectStore open(String address) {
        return open(address, S3StoreConfig.fromEnvironment().build());
    }

    /** Opens {@code address}, using {@code s3} if it is an S3 address. */
    public static ObjectStore open(String address, S3StoreConfig s3) {
        if (isS3(address)) {
            return new S3ObjectStore(S3Location.parse(address), s3);
        }
        return new LocalObjectStore(localPath(address));
    }

    public static boolean isS3(String address) {
        String lower = address.toLowerCase(java.util.Locale.ROOT);
        return lower.startsWith("s3://") || lower.startsWith("s3a://");
    }

    /** The directory of a {@code file:} URI or a plain path. */
    public static Path localPath(String address) {
        if (address.startsWith("file:")) {
            try {
                return Path.of(URI.create(address));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a usable file URI (expected file:///absolute/path): '" + address + "'", e);
            }
        }
        if (address.contains("://")) {
            throw new IllegalArgumentException("unsupported table address '" + address + "': use s3://bucket/prefix, file:///path or a path");
        }
        return Path.of(address);
    }
}
