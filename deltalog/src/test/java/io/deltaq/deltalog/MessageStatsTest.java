package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MessageStatsTest {

    @Test
    void roundsMinDownAndMaxUpToTheMillisecond() {
        MessageStats stats = new MessageStats(3, 1_700_000_000_123_999L, 1_700_000_000_456_001L, 1);
        assertEquals("{\"numRecords\":3,\"minValues\":{\"timestamp\":\"2023-11-14T22:13:20.123Z\"},"
                + "\"maxValues\":{\"timestamp\":\"2023-11-14T22:13:20.457Z\"},"
                + "\"nullCount\":{\"key\":1,\"value\":0,\"timestamp\":0}}", stats.toJson());
        MessageStats back = MessageStats.parse(stats.toJson());
        assertEquals(1_700_000_000_123_000L, back.minTimestampMicros());
        assertEquals(1_700_000_000_457_000L, back.maxTimestampMicros());
        assertEquals(3, back.numRecords());
        assertEquals(1, back.nullKeyCount());
    }

    @Test
    void exactMillisecondsAreNotMoved() {
        MessageStats stats = new MessageStats(1, 5_000L, 5_000L, 0);
        MessageStats back = MessageStats.parse(stats.toJson());
        assertEquals(5_000L, back.minTimestampMicros());
        assertEquals(5_000L, back.maxTimestampMicros());
    }

    @Test
    void negativeTimestampsRoundTowardsTheRightSide() {
        // -1.5 ms: min rounds down to -2 ms, max rounds up to -1 ms.
        MessageStats stats = new MessageStats(2, -1_500L, -1_500L, 0);
        MessageStats back = MessageStats.parse(stats.toJson());
        assertEquals(-2_000L, back.minTimestampMicros());
        assertEquals(-1_000L, back.maxTimestampMicros());
        assertEquals("1969-12-31T23:59:59.998Z", IsoTimestamps.formatMillis(-2));
    }

    @Test
    void formattingMatchesJavaTime() {
        DateTimeFormatter reference = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);
        SplittableRandom random = new SplittableRandom(42);
        long[] fixed = {0, -1, 1, 951_782_400_000L, 253_402_300_799_999L, -62_167_219_200_000L, 1_709_164_800_000L};
        for (long ms : fixed) {
            assertEquals(reference.format(Instant.ofEpochMilli(ms)), IsoTimestamps.formatMillis(ms), "ms " + ms);
        }
        for (int i = 0; i < 100_000; i++) {
            long ms = random.nextLong(-62_167_219_200_000L, 253_402_300_800_000L);
            assertEquals(reference.format(Instant.ofEpochMilli(ms)), IsoTimestamps.formatMillis(ms), "ms " + ms);
        }
        // Outside years 0..9999 java.time formats, with a sign.
        assertEquals(reference.format(Instant.ofEpochMilli(253_402_300_800_000L)),
                IsoTimestamps.formatMillis(253_402_300_800_000L));
    }

    @Test
    void readsSparkStyleOffsetsAndCountsOfAnyStats() {
        MessageStats s = MessageStats.parse("{\"numRecords\":4,\"minValues\":{\"timestamp\":\"2021-01-01T08:00:00.000+08:00\","
                + "\"key\":\"x\"},\"maxValues\":{\"timestamp\":\"2021-01-01T00:00:01.000Z\"},\"nullCount\":{\"key\":2}}");
        assertEquals(1_609_459_200_000_000L, s.minTimestampMicros());
        assertEquals(1_609_459_201_000_000L, s.maxTimestampMicros());
        assertEquals(2, s.nullKeyCount());
        assertEquals(10, MessageStats.numRecords("{\"numRecords\":10,\"minValues\":{\"id\":0},\"tightBounds\":true}"));
        assertEquals(-1, MessageStats.numRecords("{\"minValues\":{\"id\":0}}"));
        assertThrows(IllegalArgumentException.class, () -> MessageStats.numRecords("{\"numRecords\":"));
        assertThrows(IllegalArgumentException.class, () -> MessageStats.parse("{\"minValues\":{}}"));
    }

    @Test
    void emptyFileHasNoBounds() {
        assertEquals("{\"numRecords\":0,\"nullCount\":{\"key\":0,\"value\":0,\"timestamp\":0}}",
                new MessageStats(0, 0, 0, 0).toJson());
        assertThrows(IllegalArgumentException.class, () -> new MessageStats(2, 5, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> new MessageStats(2, 5, 6, 3));
    }
}
