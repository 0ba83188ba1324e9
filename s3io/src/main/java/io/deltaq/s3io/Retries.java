package io.deltaq.s3io;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Sending an asynchronous request again after it failed: the one loop every retry above the store
 * uses (reads of a table's files, a consumer's reads under its time budget). The store's own retries
 * live inside the store, per HTTP attempt; these sit above them and see what the store gave up on.
 */
public final class Retries {

    private Retries() {
    }

    /** When to send a failed request again. */
    @FunctionalInterface
    public interface Backoff {
        /**
         * The wait before sending again after the {@code failures}-th failure, in nanoseconds.
         *
         * @throws RuntimeException to give up, with that exception as the request's failure
         */
        long nanosAfter(Throwable failure, int failures);
    }

    /**
     * Sends the request again after each failure {@code retryable} accepts, waiting as
     * {@code policy} says, for at most {@code policy.maxAttempts()} attempts in all; then fails with
     * the last failure.
     */
    public static Backoff upTo(RetryPolicy policy, Predicate<Throwable> retryable) {
        return (failure, failures) -> {
            Throwable cause = Futures.unwrap(failure);
            if (!retryable.test(cause) || failures >= policy.maxAttempts()) {
                throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
            }
            return policy.backoffNanos(failures + 1);
        };
    }

    /**
     * Sends the request again after each failure {@code retryable} accepts, waiting as
     * {@code policy} says (its attempt count aside), until {@code deadlineNs} ({@link System#nanoTime()})
     * has passed; then fails with the last failure. For reads that must outlast a burst of throttling
     * lasting seconds, not only a blip.
     */
    public static Backoff until(long deadlineNs, RetryPolicy policy, Predicate<Throwable> retryable) {
        return (failure, failures) -> {
            Throwable cause = Futures.unwrap(failure);
            long waitNs = policy.backoffNanos(failures + 1);
            if (!retryable.test(cause) || System.nanoTime() + waitNs - deadlineNs >= 0) {
                throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
            }
            return waitNs;
        };
    }

    /**
     * {@code request}'s result, sending it again while {@link Backoff} allows. Cancelling (or
     * otherwise completing) the returned future stops the retries.
     */
    public static <T> CompletableFuture<T> retry(Supplier<CompletableFuture<T>> request, Backoff backoff) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(request, backoff, result, 0);
        return result;
    }

    private static <T> void attempt(Supplier<CompletableFuture<T>> request, Backoff backoff,
                                    CompletableFuture<T> result, int failures) {
        if (result.isDone()) {
            return;
        }
        CompletableFuture<T> sent;
        try {
            sent = request.get();
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
                return;
            }
            long waitNs;
            try {
                waitNs = backoff.nanosAfter(error, failures + 1);
            } catch (RuntimeException giveUp) {
                result.completeExceptionally(giveUp);
                return;
            }
            CompletableFuture.delayedExecutor(waitNs, TimeUnit.NANOSECONDS)
                    .execute(() -> attempt(request, backoff, result, failures + 1));
        });
    }
}
