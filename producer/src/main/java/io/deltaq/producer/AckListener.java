package io.deltaq.producer;

/**
 * Hears the fate of every message, on the commit thread, without allocating: the zero-allocation
 * alternative to the futures of {@link Producer#send}. Keep both methods short; the next commit
 * waits for them.
 */
public interface AckListener {

    /** The message {@code sequence} (as returned by {@link Producer#offer}) is durable at (version, index). */
    void onAcknowledged(long sequence, long version, int index);

    /** The message {@code sequence} will never be committed. */
    default void onFailed(long sequence, Throwable cause) {
    }

    /** Hears nothing. */
    AckListener NONE = (sequence, version, index) -> { };
}
