package io.deltaq.s3io;

/** One listed object: its key relative to the store root and its size in bytes. */
public record ObjectInfo(String key, long size) {
}
