package io.deltaq.producer;

/** {@link Producer#send} waited {@code block.timeout.ms} for room in a full buffer. */
public final class ProducerBufferFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProducerBufferFullException(String message) {
        super(message);
    }
}
