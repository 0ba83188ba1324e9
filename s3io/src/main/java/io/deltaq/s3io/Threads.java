package io.deltaq.s3io;

import java.util.concurrent.TimeUnit;

/** Waiting for a client's own thread to end, the one way every module does it. */
public final class Threads {

    private Threads() {
    }

    /**
     * Waits until {@code thread} has ended or {@code deadlineNanos} (a {@link System#nanoTime()} value)
     * has passed, and says whether it ended. A runner that reports its agent closed (Agrona's
     * {@code AgentRunner.close}, an executor's {@code awaitTermination}) may return while the thread is
     * still unwinding; a client whose {@code close} promises its threads are gone waits here as well.
     * An interrupt ends the wait early and is kept in the caller's interrupt flag.
     */
    public static boolean awaitExit(Thread thread, long deadlineNanos) {
        if (thread == null) {
            return true;
        }
        try {
            while (thread.isAlive()) {
                long remainingNanos = deadlineNanos - System.nanoTime();
                if (remainingNanos <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedJoin(thread, remainingNanos);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !thread.isAlive();
        }
    }
}
