package io.deltaq.deltalog.internal.parquet;

import java.io.ByteArrayInputStream;

/** A re-pointable in-memory stream whose position tells how many bytes a thrift header took. */
final class PositionedInput extends ByteArrayInputStream {
    private static final byte[] EMPTY = new byte[0];

    PositionedInput() {
        super(EMPTY);
    }

    void reset(byte[] buf, int pos, int end) {
        this.buf = buf;
        this.pos = pos;
        this.count = end;
        this.mark = pos;
    }

    int position() {
        return pos;
    }
}
