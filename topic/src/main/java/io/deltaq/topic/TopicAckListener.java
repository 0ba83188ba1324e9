package io.deltaq.topic;

import io.deltaq.producer.AckListener;

/**
 * Hears the fate of every message of a {@link TopicProducer}, on the commit thread of the message's
 * partition, without allocating: the zero-allocation alternative to the futures of
 * {@link TopicProducer#send}, as {@link AckListener} is for one table. Each partition has its own
 * commit thread, so the methods may run on several threads at once; keep them short, the
 * partition's next commit waits for them.
 *
 * <p>A message is named by its partition and its sequence there: each partition's
 * {@link io.deltaq.producer.Producer} numbers the messages it accepts from 0, in the order it
 * accepted them ({@link TopicProducer#offer} says how a caller knows a message's sequence).
 */
public interface TopicAckListener {

    /** Message {@code sequence} of {@code partition} is durable at (version, index) of that partition's table. */
    void onAcknowledged(int partition, long sequence, long version, int index);

    /** Message {@code sequence} of {@code partition} will never be committed. */
    default void onFailed(int partition, long sequence, Throwable cause) {
    }

    /** Hears nothing. */
    TopicAckListener NONE = (partition, sequence, version, index) -> { };
}
