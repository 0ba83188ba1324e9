package io.deltaq.producer;

/**
 * A message larger than {@code max.message.bytes} was refused by {@code send} or {@code offer}:
 * nothing was enqueued. Consumers with the same limit could not deliver it.
 */
public final class MessageTooLargeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    MessageTooLargeException(String message) {
        super(message);
    }
}
