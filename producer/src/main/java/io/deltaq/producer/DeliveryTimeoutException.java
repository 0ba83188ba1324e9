package io.deltaq.producer;

/** A batch kept failing to upload or commit for longer than {@code delivery.timeout.ms}. */
public final class DeliveryTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DeliveryTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
