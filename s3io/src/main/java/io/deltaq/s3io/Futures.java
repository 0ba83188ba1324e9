package io.deltaq.s3io;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/** Waiting for a store's future with a deadline, the one way every module does it. */
public final class Futures {

    private Futures() {
    }

    /**
     * Waits at most {@code timeoutNanos} for {@code future}. Failures reach {@code onFailure}, which
     * words the exception to throw: the future's own cause (unwrapped from its completion wrappers), a
     * {@link TimeoutException} (the future is then cancelled, so a late answer is dropped), or an
     * {@link InterruptedException} (the thread's interrupt flag is set again first).
     */
    public static <T> T await(CompletableFuture<T> future, long timeoutNanos,
                              Function<Throwable, ? extends RuntimeException> onFailure) {
        try {
            return future.get(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw onFailure.apply(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw onFailure.apply(e);
        } catch (ExecutionException | CancellationException e) {
            throw onFailure.apply(unwrap(e));
        }
    }

    /** Waits until {@code deadlineNanos} (a {@link System#nanoTime()} value); see {@link #await}. */
    public static <T> T awaitUntil(CompletableFuture<T> future, long deadlineNanos,
                                   Function<Throwable, ? extends RuntimeException> onFailure) {
        return await(future, deadlineNanos - System.nanoTime(), onFailure);
    }

    /** The cause behind {@link CompletionException} and {@link ExecutionException} wrappers. */
    public static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
