package io.deltaq.topic;

import io.deltaq.deltalog.Position;

/** Where a message is in a topic: its partition, and its position in that partition's table. */
public record TopicPosition(int partition, Position position) {

    @Override
    public String toString() {
        return partition + "@" + position;
    }
}
