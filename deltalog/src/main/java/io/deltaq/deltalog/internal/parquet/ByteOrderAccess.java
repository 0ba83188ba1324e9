package io.deltaq.deltalog.internal.parquet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Little-endian reads and writes on byte arrays without allocation (Parquet is little-endian throughout). */
final class ByteOrderAccess {
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private ByteOrderAccess() {
    }

    static int getIntLE(byte[] b, int off) {
        return (int) INT_LE.get(b, off);
    }

    static long getLongLE(byte[] b, int off) {
        return (long) LONG_LE.get(b, off);
    }

    static void putIntLE(byte[] b, int off, int v) {
        INT_LE.set(b, off, v);
    }

    static void putLongLE(byte[] b, int off, long v) {
        LONG_LE.set(b, off, v);
    }
}
