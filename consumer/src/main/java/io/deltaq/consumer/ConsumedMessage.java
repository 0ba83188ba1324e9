package io.deltaq.consumer;

import static io.deltaq.consumer.RingRecordDescriptor.HEADERS_LENGTH_OFFSET;
import static io.deltaq.consumer.RingRecordDescriptor.INDEX_OFFSET;
import static io.deltaq.consumer.RingRecordDescriptor.KEY_LENGTH_OFFSET;
import static io.deltaq.consumer.RingRecordDescriptor.TIMESTAMP_OFFSET;
import static io.deltaq.consumer.RingRecordDescriptor.VALUE_LENGTH_OFFSET;
import static io.deltaq.consumer.RingRecordDescriptor.VERSION_OFFSET;

import io.deltaq.deltalog.Headers;
import io.deltaq.deltalog.Position;
import org.agrona.DirectBuffer;

/**
 * A view of one consumed message, handed to {@link MessageHandler#onMessage}. It is a flyweight
 * over the consumer's ring buffer: the same instance is reused for every message and is valid only
 * during the callback; copy what you keep ({@link #key()}, {@link #value()}, {@link #getValue}).
 * The accessors that return primitives or the buffer do not allocate.
 */
public final class ConsumedMessage {

    /** Returned by {@link #timestampMicros()} for a row whose timestamp is null (only in foreign files). */
    public static final long NULL_TIMESTAMP = Long.MIN_VALUE;
    /** Returned by {@link #keyLength()} / {@link #valueLength()} for a null key / value. */
    public static final int NULL_LENGTH = -1;

    private DirectBuffer buffer;
    private int offset;
    /** The current message's headers, copied and indexed on first use ({@link #headersRead}). */
    private final Headers headers = new Headers();
    private byte[] headerBytes = new byte[0];
    private boolean headersRead;

    ConsumedMessage wrap(DirectBuffer buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        this.headersRead = false; // a later message may sit at the same offset of the ring
        return this;
    }

    /** Whether the message has headers (allocates nothing). */
    public boolean hasHeaders() {
        return buffer.getInt(offset + HEADERS_LENGTH_OFFSET) > 0;
    }

    /**
     * The message's headers, in the order they were sent (empty for none), as a view valid during the
     * callback only. Their bytes are copied once into the view's own buffer, which grows as needed;
     * a message without headers costs nothing.
     */
    public Headers headers() {
        int len = buffer.getInt(offset + HEADERS_LENGTH_OFFSET);
        if (len <= 0) {
            return headers.clear();
        }
        if (!headersRead) {
            if (headerBytes.length < len) {
                headerBytes = new byte[Math.max(len, headerBytes.length * 2)];
            }
            buffer.getBytes(RingRecordDescriptor.headersOffset(offset, keyLength(), valueLength()), headerBytes, 0, len);
            headers.wrap(headerBytes, 0, len);
            headersRead = true;
        }
        return headers;
    }

    /** The table version whose commit added this message. */
    public long version() {
        return buffer.getLong(offset + VERSION_OFFSET);
    }

    /** The message's row index among the rows its commit added. */
    public int index() {
        return buffer.getInt(offset + INDEX_OFFSET);
    }

    /** {@link #version()} and {@link #index()} packed into one increasing long (see {@link Position#toOffset}). */
    public long offset() {
        return Position.toOffset(version(), index());
    }

    /** The message's position (allocates; use {@link #offset()} on hot paths). */
    public Position position() {
        return new Position(version(), index());
    }

    /** Producer time, microseconds since the epoch (UTC), or {@link #NULL_TIMESTAMP}. */
    public long timestampMicros() {
        return buffer.getLong(offset + TIMESTAMP_OFFSET);
    }

    /** The buffer holding the key and the value, valid during the callback only. */
    public DirectBuffer buffer() {
        return buffer;
    }

    /** Key length in bytes, or {@link #NULL_LENGTH} for a null key. */
    public int keyLength() {
        return buffer.getInt(offset + KEY_LENGTH_OFFSET);
    }

    /** Where the key starts in {@link #buffer()}. */
    public int keyOffset() {
        return RingRecordDescriptor.keyOffset(offset);
    }

    /** Value length in bytes, or {@link #NULL_LENGTH} for a null value. */
    public int valueLength() {
        return buffer.getInt(offset + VALUE_LENGTH_OFFSET);
    }

    /** Where the value starts in {@link #buffer()}. */
    public int valueOffset() {
        return RingRecordDescriptor.valueOffset(offset, keyLength());
    }

    public boolean hasKey() {
        return keyLength() != NULL_LENGTH;
    }

    public boolean hasValue() {
        return valueLength() != NULL_LENGTH;
    }

    /** A copy of the key, or null for a null key. */
    public byte[] key() {
        int len = keyLength();
        if (len < 0) {
            return null;
        }
        byte[] copy = new byte[len];
        buffer.getBytes(keyOffset(), copy, 0, len);
        return copy;
    }

    /** A copy of the value, or null for a null value. */
    public byte[] value() {
        int len = valueLength();
        if (len < 0) {
            return null;
        }
        byte[] copy = new byte[len];
        buffer.getBytes(valueOffset(), copy, 0, len);
        return copy;
    }

    /** Copies the key into {@code dst} at {@code dstOffset}; returns its length (-1 and copies nothing when null). */
    public int getKey(byte[] dst, int dstOffset) {
        int len = keyLength();
        if (len > 0) {
            buffer.getBytes(keyOffset(), dst, dstOffset, len);
        }
        return len;
    }

    /** Copies the value into {@code dst} at {@code dstOffset}; returns its length (-1 and copies nothing when null). */
    public int getValue(byte[] dst, int dstOffset) {
        int len = valueLength();
        if (len > 0) {
            buffer.getBytes(valueOffset(), dst, dstOffset, len);
        }
        return len;
    }

    /** The value decoded as UTF-8, or null (allocates). */
    public String valueAsString() {
        int len = valueLength();
        return len < 0 ? null : buffer.getStringWithoutLengthUtf8(valueOffset(), len);
    }

    @Override
    public String toString() {
        if (buffer == null) {
            return "ConsumedMessage[unbound]";
        }
        return "ConsumedMessage[" + version() + ":" + index() + ", ts " + timestampMicros() + " us, key "
                + keyLength() + " B, value " + valueLength() + " B" + (hasHeaders() ? ", headers " + headers().count() : "")
                + "]";
    }
}
