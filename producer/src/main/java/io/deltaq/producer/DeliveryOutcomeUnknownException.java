package io.deltaq.producer;

/**
 * A batch whose commit may or may not have landed: an attempt got no answer and the producer gave
 * up (delivery timeout, close, or a fault of its commit thread) before it could settle which. Its
 * messages are neither acknowledged nor known to be absent: they may be in the table. Unlike every
 * other failure of a send, resending such a message may duplicate it.
 */
public final class DeliveryOutcomeUnknownException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DeliveryOutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
