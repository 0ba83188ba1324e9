package io.deltaq.s3io;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Create if absent, and recognise one's own write when the outcome is unknown: the one primitive
 * every conditional write of deltaq goes through (table creation, commits, consumer positions, and
 * later leases and maintenance markers). Design: docs/rfcs/0001-create-or-recognise.md.
 *
 * <p>A put-if-absent that answers "created" is {@link CreateOutcome.Kind#CREATED}. Any other answer,
 * "already exists", an unknown outcome ({@link AmbiguousWriteException}, or no answer within the
 * attempt timeout) or a conflict with another conditional write in progress (409,
 * {@link ConditionalConflictException}), is settled by reading the key back: bytes the caller recognises as its own are
 * CREATED (an earlier attempt landed although its answer was lost), other bytes are
 * {@link CreateOutcome.Kind#TAKEN}, and nothing at all means no attempt landed yet, so the create is
 * tried again under the retry policy. When the read-back fails after an attempt that may have
 * landed, the outcome is {@link CreateOutcome.Kind#UNKNOWN}: never reported as taken or failed when
 * the key may hold this writer's bytes. Failures that prove nothing was written (access denied, the
 * store unavailable before sending) fail the future with the store's exception.
 *
 * <p>Every attempt sends the same bytes, so a delayed attempt that lands after a read-back found
 * nothing is still recognised by the next attempt's read-back.
 */
public final class ConditionalCreate {

    private final ObjectStore store;
    private final RetryPolicy retry;
    private final AttemptDeadline attemptDeadline;

    /**
     * @param retry how often a create whose attempts left nothing at the key is tried again, and how
     *     long to wait in between
     * @param attemptTimeout how long one PUT or read-back may take before it counts as unanswered,
     *     plus {@link AttemptDeadline#DEFAULT_PER_MIB} per MiB it moves
     */
    public ConditionalCreate(ObjectStore store, RetryPolicy retry, Duration attemptTimeout) {
        this.store = store;
        this.retry = retry;
        this.attemptDeadline = AttemptDeadline.of(attemptTimeout);
    }

    /** Creates {@code key} with {@code data}, recognising an earlier attempt's landing by equal bytes. */
    public CompletableFuture<CreateOutcome> create(String key, ByteBuffer data) {
        ByteBuffer mine = data.slice();
        return create(key, data, existing -> ByteBuffer.wrap(existing).equals(mine.duplicate()));
    }

    public CompletableFuture<CreateOutcome> create(String key, byte[] data) {
        return create(key, data, existing -> Arrays.equals(existing, data));
    }

    /**
     * Creates {@code key} with {@code data}.
     *
     * @param isMine whether bytes found at the key are this writer's (its own earlier attempt); must
     *     be true for {@code data} itself
     */
    public CompletableFuture<CreateOutcome> create(String key, byte[] data, Predicate<byte[]> isMine) {
        return create(key, ByteBuffer.wrap(data), isMine);
    }

    public CompletableFuture<CreateOutcome> create(String key, ByteBuffer data, Predicate<byte[]> isMine) {
        CompletableFuture<CreateOutcome> result = new CompletableFuture<>();
        new Attempts(key, data.slice(), isMine, result).put();
        return result;
    }

    /** One create's attempts, each a conditional PUT and, unless it created the key, a read-back. */
    private final class Attempts {
        final String key;
        final ByteBuffer data;
        final Predicate<byte[]> isMine;
        final CompletableFuture<CreateOutcome> result;
        int attempts;
        /** Whether any attempt so far may have landed without this writer learning so. */
        boolean mayHaveLanded;
        /** The last attempt's 409 answer, or null when the last attempt was answered otherwise. */
        ConditionalConflictException conflict;

        Attempts(String key, ByteBuffer data, Predicate<byte[]> isMine, CompletableFuture<CreateOutcome> result) {
            this.key = key;
            this.data = data;
            this.isMine = isMine;
            this.result = result;
        }

        void put() {
            attempts++;
            CompletableFuture<Boolean> put;
            try {
                put = store.putIfAbsent(key, data.duplicate());
            } catch (RuntimeException e) {
                put = CompletableFuture.failedFuture(e);
            }
            bounded(put, data.remaining()).whenComplete((created, error) -> guarded(() -> {
                if (error == null) {
                    conflict = null;
                    if (created) {
                        result.complete(CreateOutcome.created(attempts));
                    } else {
                        readBack();
                    }
                    return;
                }
                Throwable cause = Futures.unwrap(error);
                conflict = null;
                if (cause instanceof AmbiguousWriteException || cause instanceof TimeoutException) {
                    mayHaveLanded = true;
                    readBack();
                } else if (cause instanceof ConditionalConflictException c) {
                    // Another conditional write of the key was in progress: it may have landed by
                    // now (the key is theirs), or not (ours may go in on the next attempt).
                    conflict = c;
                    readBack();
                } else if (mayHaveLanded) {
                    // An earlier attempt may be there: only a read-back can say whether this failed.
                    readBack();
                } else {
                    result.completeExceptionally(cause);
                }
            }));
        }

        void readBack() {
            bounded(store.get(key), data.remaining()).whenComplete((found, error) -> guarded(() -> {
                if (error != null) {
                    Throwable cause = Futures.unwrap(error);
                    if (mayHaveLanded) {
                        result.complete(CreateOutcome.unknown(cause, attempts));
                    } else {
                        result.completeExceptionally(cause);
                    }
                    return;
                }
                settle(found);
            }));
        }

        void settle(Optional<byte[]> found) {
            if (found.isPresent()) {
                result.complete(isMine.test(found.get())
                        ? CreateOutcome.created(attempts)
                        : CreateOutcome.taken(found.get(), attempts));
                return;
            }
            // Nothing there: no attempt has landed (yet). A retry re-sends the same bytes, so if a
            // delayed attempt lands first, the retry's read-back recognises it.
            if (attempts >= retry.maxAttempts()) {
                String request = StoreErrors.request(StoreMetrics.Operation.PUT_IF_ABSENT, key, store.location());
                String why = "the key was still empty after " + attempts + " attempts";
                if (mayHaveLanded) {
                    result.complete(CreateOutcome.unknown(StoreErrors.ambiguous(key, request, why, null), attempts));
                } else if (conflict != null) {
                    result.completeExceptionally(StoreErrors.conflict(request + " (after " + attempts + " attempts)",
                            "the last attempt answered 409", conflict));
                } else {
                    result.completeExceptionally(StoreErrors.unavailable(request, why, null));
                }
                return;
            }
            Executor later = CompletableFuture.delayedExecutor(retry.backoffNanos(attempts + 1), TimeUnit.NANOSECONDS);
            later.execute(() -> guarded(this::put));
        }

        void guarded(Runnable step) {
            try {
                step.run();
            } catch (Throwable t) {
                if (mayHaveLanded) {
                    result.complete(CreateOutcome.unknown(t, attempts));
                } else {
                    result.completeExceptionally(t);
                }
            }
        }
    }

    /** A copy of {@code future} that fails after the deadline of an attempt moving {@code bytes}. */
    private <T> CompletableFuture<T> bounded(CompletableFuture<T> future, long bytes) {
        return future.copy().orTimeout(attemptDeadline.nanosFor(bytes), TimeUnit.NANOSECONDS);
    }
}
