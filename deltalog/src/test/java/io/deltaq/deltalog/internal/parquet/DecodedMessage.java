package io.deltaq.deltalog.internal.parquet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A decoded message copied out of the decoder's views, for comparisons in tests. */
record DecodedMessage(int rowIndex, byte[] key, byte[] value, long timestampMicros) {
    static MessageRowHandler collectInto(List<DecodedMessage> out) {
        return (rowIndex, keyBuf, keyOff, keyLen, valueBuf, valueOff, valueLen, ts) -> out.add(new DecodedMessage(rowIndex,
                keyLen < 0 ? null : Arrays.copyOfRange(keyBuf, keyOff, keyOff + keyLen),
                valueLen < 0 ? null : Arrays.copyOfRange(valueBuf, valueOff, valueOff + valueLen), ts));
    }

    static List<DecodedMessage> of(MessageBatch batch) {
        List<DecodedMessage> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            int kl = batch.keyLength(i);
            int vl = batch.valueLength(i);
            out.add(new DecodedMessage(i,
                    kl < 0 ? null : Arrays.copyOfRange(batch.keyBytes(), batch.keyOffset(i), batch.keyOffset(i) + kl),
                    vl < 0 ? null : Arrays.copyOfRange(batch.valueBytes(), batch.valueOffset(i), batch.valueOffset(i) + vl),
                    batch.timestampMicros(i)));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DecodedMessage m && m.rowIndex == rowIndex && Arrays.equals(m.key, key)
                && Arrays.equals(m.value, value) && m.timestampMicros == timestampMicros;
    }

    @Override
    public int hashCode() {
        return rowIndex * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "#" + rowIndex + " key=" + (key == null ? "null" : new String(key)) + " value="
                + (value == null ? "null" : value.length + "B") + " ts=" + timestampMicros;
    }
}
