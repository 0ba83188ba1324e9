package io.deltaq.testkit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waiting on a condition with a deadline, instead of sleeping for luck. */
public final class Conditions {

    /** How long {@link #await(BooleanSupplier, String)} waits. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private Conditions() {
    }

    /** Waits until {@code condition} holds, for at most {@link #DEFAULT_TIMEOUT}. */
    public static void await(BooleanSupplier condition, String what) {
        await(condition, DEFAULT_TIMEOUT, what);
    }

    /**
     * Waits until {@code condition} holds.
     *
     * @throws AssertionError naming {@code what} when it still does not hold after {@code timeout}
     */
    public static void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            LockSupport.parkNanos(5_000_000);
        }
    }
}
