package io.deltaq.producer;

import io.deltaq.s3io.AmbiguousWriteException;
import io.deltaq.s3io.ForwardingObjectStore;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.StoreUnavailableException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store with faults injected in the store layer: conditional creates of log commits whose
 * write lands but whose answer is lost, and data-file uploads that fail before reaching storage.
 */
final class FaultyStore extends ForwardingObjectStore {

    final AtomicInteger commitsToLoseAnswerOf = new AtomicInteger();
    final AtomicInteger uploadsToFail = new AtomicInteger();
    final AtomicInteger lostAnswers = new AtomicInteger();
    final AtomicInteger failedUploads = new AtomicInteger();
    /** Every write waits for this gate; complete it to let them through. */
    volatile CompletableFuture<Void> writeGate = CompletableFuture.completedFuture(null);

    FaultyStore(ObjectStore delegate) {
        super(delegate);
    }

    @Override
    public CompletableFuture<Boolean> putIfAbsent(String key, ByteBuffer data) {
        CompletableFuture<Boolean> write = writeGate.thenCompose(v -> delegate.putIfAbsent(key, data));
        if (key.contains("_delta_log/") && key.endsWith(".json") && decrement(commitsToLoseAnswerOf)) {
            return write.thenApply(created -> {
                lostAnswers.incrementAndGet();
                throw new AmbiguousWriteException(key, "injected: the answer to the write of " + key + " was lost", null);
            });
        }
        return write;
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        if (key.endsWith(".parquet") && decrement(uploadsToFail)) {
            failedUploads.incrementAndGet();
            return CompletableFuture.failedFuture(new StoreUnavailableException("injected: upload of " + key + " failed", null));
        }
        return writeGate.thenCompose(v -> delegate.put(key, data));
    }

    private static boolean decrement(AtomicInteger counter) {
        return counter.getAndUpdate(c -> Math.max(0, c - 1)) > 0;
    }
}
