package io.deltaq.s3io;

import io.deltaq.s3io.config.ConfigDef;
import io.deltaq.s3io.config.ConfigException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter, the one retry rule of deltaq: before retry {@code n} (the
 * second attempt is retry 1) the caller waits a random time in
 * {@code [0, min(maxBackoff, initialBackoff * 2^(n-1))]}, which spreads out writers that failed
 * together.
 *
 * <p>Each use has a name and its own keys, {@code <name>.max.attempts}, {@code <name>.backoff.ms}
 * and {@code <name>.backoff.max.ms}, defined by {@link #define} and read by {@link #from}: the store's
 * retries ({@code store.retry}), commit retries ({@code commit.retry}), position writes
 * ({@code position.retry}) and the others listed in docs/configuration.md.
 *
 * @param maxAttempts attempts, the first included; 1 disables retries
 * @param initialBackoff the cap of the first backoff
 * @param maxBackoff the cap of every backoff
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "need 0 <= initialBackoff <= maxBackoff, was " + initialBackoff + " and " + maxBackoff);
        }
    }

    /** A policy of {@code maxAttempts} with backoff caps from {@code initialMs} doubling up to {@code maxMs}. */
    public static RetryPolicy of(int maxAttempts, long initialMs, long maxMs) {
        return new RetryPolicy(maxAttempts, Duration.ofMillis(initialMs), Duration.ofMillis(maxMs));
    }

    /** The wait before attempt {@code attempt} (2 for the first retry), in nanoseconds: random, at most its cap. */
    public long backoffNanos(int attempt) {
        long bound = capNanos(attempt);
        return bound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(bound + 1);
    }

    private long capNanos(int attempt) {
        long cap = initialBackoff.toNanos() << Math.min(Math.max(attempt - 2, 0), 30);
        return Math.min(maxBackoff.toNanos(), cap < 0 ? Long.MAX_VALUE : cap);
    }

    /**
     * The longest this policy can wait in total before its last attempt: the sum of every backoff's
     * cap. Documentation quotes this figure, so it is computed, never typed.
     */
    public Duration worstCaseBackoff() {
        long total = 0;
        for (int attempt = 2; attempt <= maxAttempts; attempt++) {
            total += capNanos(attempt);
        }
        return Duration.ofNanos(total);
    }

    @Override
    public String toString() {
        return maxAttempts + " attempts, backoff from " + initialBackoff.toMillis() + " ms doubling up to "
                + maxBackoff.toMillis() + " ms with full jitter (at most " + worstCaseBackoff().toMillis()
                + " ms of waiting in all)";
    }

    /** Defines the three keys of the policy named {@code name} in {@code def}, with {@code defaults}. */
    public static ConfigDef define(ConfigDef def, String name, RetryPolicy defaults, String what) {
        return def
                .define(name + ".max.attempts", ConfigDef.Type.INT, defaults.maxAttempts(), ConfigDef.between(1, 1_000_000),
                        "Attempts of " + what + ", the first included; 1 disables retries. With the defaults the"
                                + " waits between them add up to at most " + defaults.worstCaseBackoff().toMillis() + " ms.")
                .define(name + ".backoff.ms", ConfigDef.Type.LONG, defaults.initialBackoff().toMillis(),
                        ConfigDef.between(0, 3_600_000),
                        "Cap of the first backoff of " + what + "; each later cap doubles, up to " + name
                                + ".backoff.max.ms. The wait is random below the cap (full jitter).")
                .define(name + ".backoff.max.ms", ConfigDef.Type.LONG, defaults.maxBackoff().toMillis(),
                        ConfigDef.between(0, 3_600_000), "Largest backoff cap of " + what + ".");
    }

    /** The policy named {@code name} from values parsed by a definition that {@link #define}d it. */
    public static RetryPolicy from(Map<String, Object> values, String name) {
        long initial = (Long) values.get(name + ".backoff.ms");
        long max = (Long) values.get(name + ".backoff.max.ms");
        if (max < initial) {
            throw new ConfigException("'" + name + ".backoff.max.ms' (" + max
                    + ") must not be below '" + name + ".backoff.ms' (" + initial + ")");
        }
        return of((Integer) values.get(name + ".max.attempts"), initial, max);
    }
}
