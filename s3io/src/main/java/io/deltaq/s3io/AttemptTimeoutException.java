package io.deltaq.s3io;

import java.util.concurrent.TimeUnit;

/** One attempt took longer than the request timeout; it was cancelled and may be retried. */
final class AttemptTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AttemptTimeoutException(long timeoutNanos) {
        super("no response within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms", null, false, false);
    }
}
