package io.deltaq.producer;

/**
 * Opening a producer failed because storage kept failing with faults that usually pass (throttling,
 * 5xx, timeouts) for longer than {@code open.timeout.ms}. Nothing was sent; opening again may work.
 */
public final class ProducerOpenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProducerOpenException(String message, Throwable cause) {
        super(message, cause);
    }
}
