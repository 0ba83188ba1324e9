package io.deltaq.jmh;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.defaults.internal.data.DefaultColumnarBatch;
import io.delta.kernel.defaults.internal.data.vector.DefaultBinaryVector;
import io.delta.kernel.defaults.internal.data.vector.DefaultLongVector;
import io.delta.kernel.defaults.internal.data.vector.DefaultMapVector;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.deltaq.deltalog.internal.parquet.MessageBatch;

/**
 * One batch of messages held both ways a writer takes it: deltaq's {@link MessageBatch} and Delta
 * Kernel's in-memory {@link ColumnarBatch}, with the same content. Keys are 16 random bytes (every
 * tenth null); values are 100-byte JSON order events (field names repeat, numbers vary), which
 * compress as real payloads do; timestamps are 37 µs apart.
 */
public final class SampleMessages {

    public static final int KEY_BYTES = 16;
    public static final int VALUE_BYTES = 100;
    public static final long FIRST_TIMESTAMP_MICROS = 1_764_000_000_000_000L;

    private static final MapType HEADERS = new MapType(StringType.STRING, BinaryType.BINARY, true);

    /** The message table's schema as Kernel types, with the nullability of deltaq's {@code schemaString}. */
    public static final StructType KERNEL_SCHEMA = new StructType()
            .add("key", BinaryType.BINARY, true)
            .add("value", BinaryType.BINARY, false)
            .add("timestamp", TimestampType.TIMESTAMP, false)
            .add("headers", HEADERS, true);

    private final MessageBatch deltaq;
    private final ColumnarBatch kernel;

    private SampleMessages(MessageBatch deltaq, ColumnarBatch kernel) {
        this.deltaq = deltaq;
        this.kernel = kernel;
    }

    /** {@code count} messages; the same {@code seed} gives the same messages. */
    public static SampleMessages generate(int count, long seed) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        Random random = new Random(seed);
        MessageBatch batch = new MessageBatch(count, count * VALUE_BYTES);
        byte[][] keys = new byte[count][];
        byte[][] values = new byte[count][];
        long[] timestamps = new long[count];
        for (int i = 0; i < count; i++) {
            byte[] value = orderEvent(random, i);
            byte[] key = null;
            if (i % 10 != 0) {
                key = new byte[KEY_BYTES];
                random.nextBytes(key);
            }
            keys[i] = key;
            values[i] = value;
            timestamps[i] = FIRST_TIMESTAMP_MICROS + i * 37L;
            batch.append(key, 0, key == null ? MessageBatch.NULL_LENGTH : KEY_BYTES, value, 0, VALUE_BYTES,
                    timestamps[i]);
        }
        ColumnarBatch columnar = new DefaultColumnarBatch(count, KERNEL_SCHEMA, new ColumnVector[] {
                new DefaultBinaryVector(BinaryType.BINARY, count, keys),
                new DefaultBinaryVector(BinaryType.BINARY, count, values),
                new DefaultLongVector(TimestampType.TIMESTAMP, count, Optional.empty(), timestamps),
                noHeaders(count)});
        return new SampleMessages(batch, columnar);
    }

    /** A headers column of {@code count} null maps: the sample messages have none, on either side. */
    private static ColumnVector noHeaders(int count) {
        boolean[] isNull = new boolean[count];
        Arrays.fill(isNull, true);
        return new DefaultMapVector(count, HEADERS, Optional.of(isNull), new int[count + 1],
                new DefaultBinaryVector(StringType.STRING, 0, new byte[0][]),
                new DefaultBinaryVector(BinaryType.BINARY, 0, new byte[0][]));
    }

    public int size() {
        return deltaq.size();
    }

    /** The messages for deltaq's writer. */
    public MessageBatch deltaq() {
        return deltaq;
    }

    /** The same messages for Kernel's writer. */
    public ColumnarBatch kernel() {
        return kernel;
    }

    /** A 100-byte JSON order event: field names repeat from message to message, numbers vary. */
    static byte[] orderEvent(Random random, int i) {
        String json = "{\"order\":" + (1_000_000 + i) + ",\"customer\":\"c-" + (1000 + random.nextInt(9000))
                + "\",\"sku\":\"SKU-" + random.nextInt(500) + "\",\"qty\":" + (1 + random.nextInt(9))
                + ",\"price\":" + random.nextInt(100) + "." + (10 + random.nextInt(90)) + ",\"note\":\"";
        StringBuilder value = new StringBuilder(json);
        while (value.length() < VALUE_BYTES - 2) {
            value.append((char) ('a' + random.nextInt(26)));
        }
        byte[] bytes = value.append("\"}").toString().getBytes(StandardCharsets.US_ASCII);
        if (bytes.length != VALUE_BYTES) {
            throw new IllegalStateException("order event of " + bytes.length + " bytes");
        }
        return bytes;
    }
}
