package io.deltaq.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.deltalog.Header;
import io.deltaq.deltalog.Headers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The view over a ring record: each message's headers are its own, wherever in the ring it lies. */
class ConsumedMessageTest {

    /** Writes a message record with value {@code value} and {@code headers} at {@code offset}. */
    private static void put(UnsafeBuffer ring, int offset, String value, List<Header> headers) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        byte[] h = Headers.encode(headers);
        ring.putLong(offset + RingRecordDescriptor.VERSION_OFFSET, 7);
        ring.putLong(offset + RingRecordDescriptor.TIMESTAMP_OFFSET, 1);
        ring.putInt(offset + RingRecordDescriptor.INDEX_OFFSET, 0);
        ring.putInt(offset + RingRecordDescriptor.KEY_LENGTH_OFFSET, -1);
        ring.putInt(offset + RingRecordDescriptor.VALUE_LENGTH_OFFSET, v.length);
        ring.putInt(offset + RingRecordDescriptor.HEADERS_LENGTH_OFFSET, h.length == 0 ? -1 : h.length);
        ring.putBytes(RingRecordDescriptor.valueOffset(offset, -1), v);
        ring.putBytes(RingRecordDescriptor.headersOffset(offset, -1, v.length), h);
    }

    @Test
    void aLaterMessageAtTheSameOffsetShowsItsOwnHeaders() {
        UnsafeBuffer ring = new UnsafeBuffer(new byte[256]);
        ConsumedMessage view = new ConsumedMessage();
        put(ring, 64, "first", List.of(new Header("seq", "1".getBytes(StandardCharsets.UTF_8))));
        assertEquals("1", new String(view.wrap(ring, 64).headers().value(0), StandardCharsets.UTF_8));
        assertEquals(1, view.headers().count(), "asked twice in one callback: the same view");

        put(ring, 64, "again", List.of(new Header("seq", "2".getBytes(StandardCharsets.UTF_8))));
        assertEquals("2", new String(view.wrap(ring, 64).headers().value(0), StandardCharsets.UTF_8));

        put(ring, 64, "plain", List.of());
        view.wrap(ring, 64);
        assertFalse(view.hasHeaders());
        assertTrue(view.headers().isEmpty());
    }
}
