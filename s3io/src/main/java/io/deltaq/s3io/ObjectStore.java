package io.deltaq.s3io;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An asynchronous object store: the only view of storage the Delta log has.
 *
 * <p>Keys are relative to the store's root (an {@code s3://bucket/prefix} or a directory) and use
 * {@code /} as separator. Every method returns at once; its future completes on an I/O thread, so
 * callers must not block inside dependent stages.
 *
 * <p>Failures complete the future with an {@link ObjectStoreException} subclass after the store's
 * own retries: {@link NoSuchBucketException}, {@link StoreCredentialsException},
 * {@link StoreAccessDeniedException} (none retried), {@link StoreUnavailableException} (retries
 * exhausted on throttling, server errors, timeouts or connection failures) and, for
 * {@link #putIfAbsent}, {@link AmbiguousWriteException} and {@link ConditionalConflictException}
 * (409: a concurrent conditional write of the key was in progress; nothing written). "Already
 * exists" and "not found" are results, never exceptions.
 *
 * <p>Buffers passed to writes are read from their position to their limit without changing
 * either; the caller must not modify their contents until the returned future completes.
 */
public interface ObjectStore extends AutoCloseable {

    /**
     * Creates {@code key} with {@code data} if, and only if, no object has that key.
     *
     * <p>Atomicity: when several callers race on one key, exactly one future completes {@code true}
     * and that caller's bytes are the object's content; every other completes {@code false} and
     * wrote nothing. A reader never sees a partially written object.
     *
     * <p>When the outcome cannot be known, because an attempt that may have landed was followed by
     * a retry that found the key taken, or because every attempt failed after possibly reaching the
     * server, the future fails with {@link AmbiguousWriteException}. The caller resolves it by
     * reading the key back and recognising (or not) its own content.
     *
     * @return {@code true} if this call created the object, {@code false} if the key already existed
     */
    CompletableFuture<Boolean> putIfAbsent(String key, ByteBuffer data);

    /** Creates or replaces {@code key} atomically: readers see the old content or the new, never a mix. */
    CompletableFuture<Void> put(String key, ByteBuffer data);

    /** Reads a whole object; a missing key completes with {@link Optional#empty()}. */
    CompletableFuture<Optional<byte[]>> get(String key);

    /**
     * Reads a whole object of at most {@code maxBytes}; a missing key completes empty. A larger object,
     * whether by the length the server declares ({@code Content-Length}) or by the bytes it sends,
     * fails with {@link ObjectTooLargeException} naming the key, the size and the bound, and no more
     * than the bound is allocated: a hostile or broken server cannot make the reader run out of memory.
     *
     * <p>This default checks the size after a plain {@link #get}; the stores override it to refuse
     * before reading.
     */
    default CompletableFuture<Optional<byte[]>> get(String key, int maxBytes) {
        return get(key).thenApply(found -> {
            if (found.isPresent() && found.get().length > maxBytes) {
                throw StoreErrors.tooLarge(StoreErrors.request(StoreMetrics.Operation.GET, key, location()),
                        "its body", found.get().length, maxBytes);
            }
            return found;
        });
    }

    /**
     * Reads up to {@code length} bytes starting at {@code offset}; fewer when the object ends first,
     * none when {@code offset} is at or past its end. A missing key completes empty.
     */
    CompletableFuture<Optional<byte[]>> getRange(String key, long offset, int length);

    /**
     * Lists one page of keys that start with {@code prefix} and sort after {@code startAfter} (null
     * for no lower bound), in ascending UTF-8 byte order, at most {@code maxKeys} of them. Continue
     * with {@link ListPage#nextStartAfter()} while {@link ListPage#truncated()}.
     */
    CompletableFuture<ListPage> list(String prefix, String startAfter, int maxKeys);

    /** Deletes {@code key}; deleting a missing key succeeds. */
    CompletableFuture<Void> delete(String key);

    /** Request counts, bytes and latencies per operation since this store was opened. */
    StoreMetrics metrics();

    /** Where this store points, for messages: {@code s3://bucket/prefix (endpoint)} or {@code file:///dir}. */
    String location();

    /** Waits for nothing: in-flight requests fail; threads and connections are released. */
    @Override
    void close();

    default CompletableFuture<Boolean> putIfAbsent(String key, byte[] data) {
        return putIfAbsent(key, ByteBuffer.wrap(data));
    }

    default CompletableFuture<Void> put(String key, byte[] data) {
        return put(key, ByteBuffer.wrap(data));
    }
}
