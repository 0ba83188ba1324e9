package io.deltaq.s3io;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A response body collected into one array under a bound, whichever client carries it. The array is
 * sized from the response's {@code Content-Length}, so the bytes are copied once. A body without a
 * length, or longer than it said, still arrives whole (the array grows); a shorter one fails, since
 * it was cut off.
 *
 * <p>Neither the declared length nor the body may pass the caller's bound: a larger
 * {@code Content-Length} fails before anything is allocated, and a body that grows past the bound
 * fails as it does, both with {@link ObjectTooLargeException}. A server cannot make a reader allocate
 * more than the bound. Not thread-safe: one response's callbacks arrive in order.
 */
final class BoundedBody {

    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final int UNKNOWN_LENGTH_START = 8 * 1024;

    private final long declaredLength;
    private final int maxBytes;
    private final String request;
    private byte[] bytes;
    private int size;

    /**
     * @param declaredLength the response's {@code Content-Length}, or -1 when it gave none
     * @param request the request, as {@link StoreErrors#request} names it, for the error
     * @throws ObjectTooLargeException when the declared length passes {@code maxBytes}
     */
    BoundedBody(long declaredLength, int maxBytes, String request) {
        this.declaredLength = declaredLength;
        this.maxBytes = Math.min(maxBytes, MAX_ARRAY);
        this.request = request;
        if (declaredLength > this.maxBytes) {
            throw StoreErrors.tooLarge(request, "its Content-Length", declaredLength, this.maxBytes);
        }
        this.bytes = new byte[declaredLength >= 0 ? (int) declaredLength : Math.min(UNKNOWN_LENGTH_START, this.maxBytes)];
    }

    /** Copies the buffer's remaining bytes in. @throws ObjectTooLargeException when the body passes the bound */
    void append(ByteBuffer buffer) {
        int n = buffer.remaining();
        makeRoom(n);
        buffer.get(bytes, size, n);
        size += n;
    }

    /** Copies {@code chunk} in. @throws ObjectTooLargeException when the body passes the bound */
    void append(byte[] chunk) {
        makeRoom(chunk.length);
        System.arraycopy(chunk, 0, bytes, size, chunk.length);
        size += chunk.length;
    }

    private void makeRoom(int n) {
        if (bytes.length - size >= n) {
            return;
        }
        long needed = (long) size + n;
        if (needed > maxBytes) {
            throw StoreErrors.tooLarge(request, "its body", needed, maxBytes);
        }
        bytes = Arrays.copyOf(bytes, (int) Math.min(maxBytes, Math.max(needed, 2L * bytes.length)));
    }

    /** The whole body. @throws IllegalStateException when it ended before its declared length */
    byte[] finish() {
        if (declaredLength >= 0 && size < declaredLength) {
            throw new IllegalStateException("response body ended after " + size + " of the " + declaredLength
                    + " bytes its Content-Length declared");
        }
        return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }
}
