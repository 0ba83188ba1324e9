package io.deltaq.s3io;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A store whose reads (GET, ranged GET, LIST) are sent again when they fail with a fault that
 * passes ({@link StoreErrors#isTransient}); writes pass through untouched, since only a conditional
 * create can tell whether a failed write landed. A reader that needs hundreds of reads, such as a
 * snapshot replaying its commits, then fails only when one read keeps failing, not whenever any
 * read fails once.
 */
public final class RetryingReads extends ForwardingObjectStore {

    private final Retries.Backoff backoff;

    public RetryingReads(ObjectStore delegate, RetryPolicy policy) {
        super(delegate);
        this.backoff = Retries.upTo(policy, StoreErrors::isTransient);
    }

    @Override
    public CompletableFuture<Optional<byte[]>> get(String key) {
        return Retries.retry(() -> delegate.get(key), backoff);
    }

    @Override
    public CompletableFuture<Optional<byte[]>> get(String key, int maxBytes) {
        return Retries.retry(() -> delegate.get(key, maxBytes), backoff);
    }

    @Override
    public CompletableFuture<Optional<byte[]>> getRange(String key, long offset, int length) {
        return Retries.retry(() -> delegate.getRange(key, offset, length), backoff);
    }

    @Override
    public CompletableFuture<ListPage> list(String prefix, String startAfter, int maxKeys) {
        return Retries.retry(() -> delegate.list(prefix, startAfter, maxKeys), backoff);
    }
}
