package io.deltaq.consumer;

import io.deltaq.deltalog.Header;
import io.deltaq.deltalog.Position;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A consumed message as a plain value, returned by {@link Consumer#poll(java.time.Duration)}.
 *
 * @param version the table version whose commit added it
 * @param index its row index among the rows that commit added
 * @param timestampMicros producer time, microseconds since the epoch, or {@link ConsumedMessage#NULL_TIMESTAMP}
 * @param key the key, or null
 * @param value the value, or null (only in files deltaq did not write)
 * @param headers the headers in the order they were sent, empty for none
 */
public record ConsumerRecord(long version, int index, long timestampMicros, byte[] key, byte[] value,
                             List<Header> headers) {

    public ConsumerRecord {
        headers = List.copyOf(headers);
    }

    /** The position packed into a Kafka-like offset. */
    public long offset() {
        return Position.toOffset(version, index);
    }

    public Position position() {
        return new Position(version, index);
    }

    /** The value as UTF-8 text, or null. */
    public String valueAsString() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ConsumerRecord[" + version + ":" + index + ", ts " + timestampMicros + ", key "
                + (key == null ? "null" : key.length + " B") + ", value "
                + (value == null ? "null" : value.length + " B") + (headers.isEmpty() ? "" : ", headers " + headers) + "]";
    }
}
