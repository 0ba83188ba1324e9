package io.deltaq.s3io;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * Checks that a store honours conditional creates ({@code If-None-Match: *}) before deltaq trusts it
 * with a log: creates a fresh probe key, creates it again with other bytes, and requires the second
 * create to be refused and the first bytes to stay. Some S3-compatible stores accept the header and
 * ignore it; on them two producers could both "win" one log version and one commit would silently
 * vanish. The probe key, {@code <prefix>_deltaq/probe-<uuid>}, lies outside {@code _delta_log/}
 * and is deleted afterwards. Three requests, once per table creation or producer open, never per
 * commit.
 */
public final class ConditionalWritesProbe {

    /** Where probe keys live under a table's prefix: deltaq's own directory, ignored by Delta readers. */
    public static final String PROBE_DIR = "_deltaq/";

    private ConditionalWritesProbe() {
    }

    /**
     * Probes {@code store} under {@code prefix} (empty or ending in {@code /}), each request bounded
     * by {@code timeout}; the first create goes through {@code creates} (a {@link ConditionalCreate}
     * of the same store), so it is retried and recognised like every other create.
     *
     * @throws ConditionalWritesUnsupportedException naming the store and the missing feature when the
     *     second create is not refused
     * @throws ObjectStoreException when the store fails or does not answer in time
     */
    public static void verify(ObjectStore store, ConditionalCreate creates, String prefix, Duration timeout) {
        String key = prefix + PROBE_DIR + "probe-" + UUID.randomUUID();
        byte[] first = ("deltaq conditional-write probe 1 " + key).getBytes(StandardCharsets.UTF_8);
        byte[] second = ("deltaq conditional-write probe 2 " + key).getBytes(StandardCharsets.UTF_8);
        long timeoutNanos = timeout.toNanos();
        try {
            create(store, creates, key, first, timeoutNanos);
            Boolean created = await(store, key, attempt(store.putIfAbsent(key, second)), timeoutNanos);
            // An ambiguous second create (null) is settled by what the key holds: the first bytes
            // mean it was refused, the second that it replaced them.
            byte[] held = created == null || created ? read(store, key, timeoutNanos) : first;
            if (!Arrays.equals(held, first)) {
                throw StoreErrors.conditionalWritesIgnored(store.location(), key);
            }
        } finally {
            try {
                Futures.await(store.delete(key), timeoutNanos, cause -> new RuntimeException(cause));
            } catch (RuntimeException ignored) {
                // A probe left behind is a few bytes outside the log; the verdict stands.
            }
        }
    }

    /**
     * The first create, through {@code creates} so that a lost request or response is retried and
     * recognised as usual: a fresh key must end up holding the probe's bytes.
     */
    private static void create(ObjectStore store, ConditionalCreate creates, String key, byte[] bytes,
                               long timeoutNanos) {
        CreateOutcome outcome = await(store, key, creates.create(key, bytes), timeoutNanos);
        if (!outcome.created()) {
            throw StoreErrors.probeFailed(store.location(), key, "creating a fresh key gave " + outcome);
        }
    }

    /** A create whose {@link AmbiguousWriteException} becomes null: the outcome to be read back. */
    private static CompletableFuture<Boolean> attempt(CompletableFuture<Boolean> put) {
        return put.exceptionally(e -> {
            if (Futures.unwrap(e) instanceof AmbiguousWriteException) {
                return null;
            }
            throw e instanceof RuntimeException r ? r : new RuntimeException(e);
        });
    }

    private static byte[] read(ObjectStore store, String key, long timeoutNanos) {
        Optional<byte[]> held = await(store, key, store.get(key), timeoutNanos);
        return held.orElse(null);
    }

    private static <T> T await(ObjectStore store, String key, CompletableFuture<T> future, long timeoutNanos) {
        return Futures.await(future, timeoutNanos, cause -> {
            if (cause instanceof ObjectStoreException ose) {
                return ose;
            }
            String why = cause instanceof TimeoutException
                    ? "no answer within " + timeoutNanos / 1_000_000 + " ms" : String.valueOf(cause);
            return StoreErrors.probeFailed(store.location(), key, why);
        });
    }
}
