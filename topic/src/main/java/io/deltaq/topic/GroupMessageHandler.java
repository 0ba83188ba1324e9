package io.deltaq.topic;

import io.deltaq.consumer.ConsumedMessage;

/** Receives messages from {@link GroupConsumer#poll(GroupMessageHandler, int)}, on the polling thread. */
@FunctionalInterface
public interface GroupMessageHandler {
    /**
     * @param partition the partition the message is from
     * @param message a reused view, valid only during this call
     */
    void onMessage(int partition, ConsumedMessage message);
}
