package io.deltaq.deltalog.internal.parquet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A decoded message copied out of the decoder's views, for comparisons in tests.
 *
 * @param headers the encoded headers ({@link io.deltaq.deltalog.Headers}), or null for none
 */
record DecodedMessage(int rowIndex, byte[] key, byte[] value, long timestampMicros, byte[] headers) {

    DecodedMessage(int rowIndex, byte[] key, byte[] value, long timestampMicros) {
        this(rowIndex, key, value, timestampMicros, null);
    }

    static MessageRowHandler collectInto(List<DecodedMessage> out) {
        return (rowIndex, keyBuf, keyOff, keyLen, valueBuf, valueOff, valueLen, ts, headersBuf, headersOff, headersLen) ->
                out.add(new DecodedMessage(rowIndex, copy(keyBuf, keyOff, keyLen), copy(valueBuf, valueOff, valueLen), ts,
                        copy(headersBuf, headersOff, headersLen)));
    }

    static List<DecodedMessage> of(MessageBatch batch) {
        List<DecodedMessage> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            out.add(new DecodedMessage(i, copy(batch.keyBytes(), batch.keyOffset(i), batch.keyLength(i)),
                    copy(batch.valueBytes(), batch.valueOffset(i), batch.valueLength(i)), batch.timestampMicros(i),
                    copy(batch.headerBytes(), batch.headersOffset(i), batch.headersLength(i))));
        }
        return out;
    }

    private static byte[] copy(byte[] buf, int off, int len) {
        return len < 0 ? null : Arrays.copyOfRange(buf, off, off + len);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DecodedMessage m && m.rowIndex == rowIndex && Arrays.equals(m.key, key)
                && Arrays.equals(m.value, value) && m.timestampMicros == timestampMicros && Arrays.equals(m.headers, headers);
    }

    @Override
    public int hashCode() {
        return rowIndex * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "#" + rowIndex + " key=" + (key == null ? "null" : new String(key)) + " value="
                + (value == null ? "null" : value.length + "B") + " ts=" + timestampMicros
                + (headers == null ? "" : " headers=" + new io.deltaq.deltalog.Headers().wrap(headers, 0, headers.length).toList());
    }
}
