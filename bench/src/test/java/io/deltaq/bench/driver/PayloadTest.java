package io.deltaq.bench.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

class PayloadTest {

    @Test
    void headerRoundTripsAndIsBigEndianAtTheDocumentedOffsets() {
        byte[] value = new byte[40];
        long intended = 1_795_450_329_266_123L;
        Payload.write(value, intended, 7, 123_456_789_012L);
        assertEquals(intended, Payload.intendedMicros(value, 0));
        assertEquals(7, Payload.producerIndex(value, 0));
        assertEquals(123_456_789_012L, Payload.sequence(value, 0));
        ByteBuffer view = ByteBuffer.wrap(value); // big-endian, as other readers (DirectBuffer) decode it
        assertEquals(intended, view.getLong(Payload.INTENDED_MICROS_OFFSET));
        assertEquals(7, view.getInt(Payload.PRODUCER_INDEX_OFFSET));
        assertEquals(123_456_789_012L, view.getLong(Payload.SEQUENCE_OFFSET));
        Payload.write(value, -1L, -1, Long.MIN_VALUE);
        assertEquals(-1L, Payload.intendedMicros(value, 0));
        assertEquals(-1, Payload.producerIndex(value, 0));
        assertEquals(Long.MIN_VALUE, Payload.sequence(value, 0));
    }
}
