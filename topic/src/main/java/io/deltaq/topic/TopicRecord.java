package io.deltaq.topic;

import io.deltaq.consumer.ConsumerRecord;

/** A message of a topic, as {@link GroupConsumer#poll(java.time.Duration)} returns it: its partition and the record. */
public record TopicRecord(int partition, ConsumerRecord record) {

    public TopicPosition position() {
        return new TopicPosition(partition, record.position());
    }
}
