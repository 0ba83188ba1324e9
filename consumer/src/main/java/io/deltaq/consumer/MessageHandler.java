package io.deltaq.consumer;

/**
 * Receives messages from {@link Consumer#poll(MessageHandler, int)}, on the polling thread.
 */
@FunctionalInterface
public interface MessageHandler {
    /**
     * @param message a reused view, valid only during this call
     */
    void onMessage(ConsumedMessage message);
}
