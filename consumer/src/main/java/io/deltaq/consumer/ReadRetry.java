package io.deltaq.consumer;

import io.deltaq.deltalog.DeltaStorageException;
import io.deltaq.s3io.Futures;
import io.deltaq.s3io.Retries;
import io.deltaq.s3io.RetryPolicy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * How the consumer's reads outlast storage faults that pass: every read of the log, of data files
 * and of committed positions goes through here. A read failing with a fault worth retrying
 * ({@link #retryable}) is sent again after a {@code read.retry} backoff, until
 * {@code read.retry.timeout.ms} have passed since its first failure; then it fails with
 * {@link ConsumerErrors#readRetriesExhausted}. Other failures end it at once.
 *
 * <p>It sits above the store's own retries ({@code store.retry.*}, a few hundred milliseconds in
 * all), which absorb a blip; this absorbs a burst of throttling lasting seconds, which AWS answers
 * with 503 SlowDown until the request rate adapts.
 */
final class ReadRetry {

    private final String table;
    private final RetryPolicy backoff;
    private final long budgetNs;
    private final long budgetMs;

    ReadRetry(String table, ConsumerConfig config) {
        this.table = table;
        this.backoff = config.readRetry();
        this.budgetMs = config.readRetryTimeoutMs();
        this.budgetNs = TimeUnit.MILLISECONDS.toNanos(budgetMs);
    }

    /** Whether {@code failure} is worth retrying: see {@link DeltaStorageException#isTransient}. */
    static boolean retryable(Throwable failure) {
        return DeltaStorageException.isTransient(failure);
    }

    /**
     * {@code read}'s result, sending it again while it fails with a retryable fault and the budget
     * lasts. Cancelling the returned future stops the retries.
     */
    <T> CompletableFuture<T> read(Supplier<CompletableFuture<T>> read) {
        Budget budget = new Budget();
        return Retries.retry(read, (failure, failures) -> budget.backoffAfter(failure, System.nanoTime()));
    }

    /** One read's failures so far, for a caller that sends the read again on its own schedule. */
    final class Budget {
        private long firstFailureNs;
        private int failures;

        /**
         * The wait before sending the read again after {@code failure}, in nanoseconds.
         *
         * @throws RuntimeException {@code failure} itself when it is not worth retrying, or
         *     {@link ConsumerErrors#readRetriesExhausted} when the budget is spent
         */
        long backoffAfter(Throwable failure, long nowNs) {
            Throwable cause = Futures.unwrap(failure);
            if (!retryable(cause)) {
                throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
            }
            if (failures++ == 0) {
                firstFailureNs = nowNs;
            }
            if (nowNs - firstFailureNs >= budgetNs) {
                throw ConsumerErrors.readRetriesExhausted(table, failures, budgetMs, cause);
            }
            return backoff.backoffNanos(failures + 1);
        }

        /** The read succeeded: a later failure starts a new budget. */
        void succeeded() {
            failures = 0;
        }
    }
}
