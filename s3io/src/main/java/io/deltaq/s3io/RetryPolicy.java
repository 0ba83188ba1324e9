package io.deltaq.s3io;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: before retry {@code n} the store waits a random time in
 * {@code [0, min(maxBackoff, initialBackoff * 2^(n-1))]}, which spreads out writers that were
 * throttled together.
 *
 * @param maxAttempts attempts per request, the first included; 1 disables retries
 * @param initialBackoff the cap of the first backoff
 * @param maxBackoff the cap of every backoff
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    /** 5 attempts, backoff capped at 25 ms, doubling up to 2 s: about 1.6 s at worst before giving up. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(25), Duration.ofSeconds(2));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "need 0 <= initialBackoff <= maxBackoff, was " + initialBackoff + " and " + maxBackoff);
        }
    }

    /** The wait before attempt {@code attempt} (2 for the first retry), in nanoseconds. */
    long backoffNanos(int attempt) {
        long cap = initialBackoff.toNanos() << Math.min(attempt - 2, 30);
        long bound = Math.min(maxBackoff.toNanos(), cap < 0 ? Long.MAX_VALUE : cap);
        return bound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(bound + 1);
    }
}
