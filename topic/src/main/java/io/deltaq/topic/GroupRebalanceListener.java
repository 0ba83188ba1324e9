package io.deltaq.topic;

import java.util.Set;

/**
 * Hears, on the polling thread and inside {@link GroupConsumer#poll}, which partitions a member is
 * given and which it gives up, as Kafka's {@code ConsumerRebalanceListener} does.
 */
public interface GroupRebalanceListener {

    GroupRebalanceListener NONE = new GroupRebalanceListener() {
    };

    /** The member now holds these partitions; their messages follow from their committed positions. */
    default void onPartitionsAssigned(Set<Integer> partitions) {
    }

    /**
     * The member is about to hand these partitions to another member. The lease is still held:
     * {@link GroupConsumer#commitSync()} here stores their positions, so that the next owner starts
     * where this one stopped instead of re-delivering.
     */
    default void onPartitionsRevoked(Set<Integer> partitions) {
    }

    /**
     * The member lost these partitions without handing them back (its lease ran out, for example
     * after a long pause or a storage outage); another member may already be consuming them, and
     * their positions can no longer be committed by this one.
     */
    default void onPartitionsLost(Set<Integer> partitions) {
    }
}
