package io.deltaq.deltalog;

import io.deltaq.s3io.config.ConfigDef;
import java.util.Map;

/**
 * The largest message, one limit for both sides of a topic: a producer refuses at {@code send} what
 * a consumer with the same setting could not deliver, so no accepted message is a poison pill. Both
 * the producer's and the consumer's configuration include {@link #DEFINITION}, and each checks that
 * its ring buffer can hold a message of this size. Beside it, the most one read of the table's files
 * may bring into memory ({@link #FETCH_MAX_BYTES}), which both sides pass to {@link DeltaLogOptions}.
 */
public final class MessageLimits {

    /** Most key, value and encoded headers bytes of one message. */
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";

    /**
     * 1,000,000 bytes, as Kafka's default of about 1 MB: it fits the consumer's default 8 MiB ring,
     * whose records take at most an eighth of it (Agrona's {@code maxMsgLength()}) less their
     * 32-byte header, and the producer's default 64 MiB ring.
     */
    public static final int MAX_MESSAGE_BYTES_DEFAULT = 1_000_000;

    /** A message this large still fits the largest rings (1 GiB: records up to 128 MiB). */
    public static final int MAX_MESSAGE_BYTES_UPPER = 64 << 20;

    /** The most bytes one read of a log file, checkpoint or data file may bring into memory. */
    public static final String FETCH_MAX_BYTES = "fetch.max.bytes";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(MAX_MESSAGE_BYTES, ConfigDef.Type.INT, MAX_MESSAGE_BYTES_DEFAULT,
                    ConfigDef.between(1, MAX_MESSAGE_BYTES_UPPER),
                    "Most key, value and encoded headers bytes of one message (a header takes 8 bytes plus its key's"
                            + " UTF-8 and its value), for producer and consumer alike: send() and offer()"
                            + " refuse a larger message with a MessageTooLargeException naming its size, and each side"
                            + " refuses a buffer.bytes whose ring cannot hold a message of this size (a ring record"
                            + " takes at most buffer.bytes / 8, less 28 bytes of header in the producer and 32 in the"
                            + " consumer). Set the same value on both sides.")
            .define(FETCH_MAX_BYTES, ConfigDef.Type.INT, DeltaLogOptions.DEFAULT_MAX_READ_BYTES,
                    ConfigDef.between(1 << 20, Integer.MAX_VALUE),
                    "Most bytes one read of a log file, checkpoint or data file may bring into memory: a larger"
                            + " object, by its Content-Length, its body or a Parquet footer's length, is refused with"
                            + " an error naming the file, the size and this bound before anything is allocated. Far"
                            + " above what deltaq writes (a data file holds one batch), it keeps a hostile server or"
                            + " table from exhausting memory.");

    /** The table options of a client whose parsed configuration is {@code values}. */
    public static DeltaLogOptions tableOptions(Map<String, Object> values) {
        return DeltaLogOptions.builder().maxReadBytes((Integer) values.get(FETCH_MAX_BYTES)).build();
    }

    private MessageLimits() {
    }

    /**
     * The smallest ring capacity (a power of two) whose records, at most an eighth of it, hold a
     * message of {@code maxMessageBytes} after a {@code headerBytes} header.
     */
    public static long ringBytesFor(int maxMessageBytes, int headerBytes) {
        long record = (long) maxMessageBytes + headerBytes;
        long capacity = Long.highestOneBit(Math.max(1, record * 8 - 1)) << 1;
        return capacity;
    }
}
