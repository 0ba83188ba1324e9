package io.deltaq.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.s3io.config.ConfigException;
import io.deltaq.deltalog.MessageLimits;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsumerConfigTest {

    @Test
    void defaults() {
        ConsumerConfig c = new ConsumerConfig(Map.of());
        assertEquals(new StartPosition(StartPosition.Kind.EARLIEST, 0), c.start());
        assertEquals(100, c.pollIntervalMs());
        assertEquals(1, c.pollIntervalMinMs());
        assertEquals(8, c.prefetchCommits());
        assertEquals(8 << 20, c.bufferBytes());
        assertEquals(500, c.maxPollRecords());
        assertNull(c.consumerName());
        assertEquals(60_000, c.tableWaitTimeoutMs());
        assertFalse(c.skipRewrites());
        assertEquals(60_000, c.defaultApiTimeoutMs());
        assertTrue(c.readRetryTimeoutMs() >= 30_000, "throttling bursts of many seconds are outlasted by default");
        assertEquals(Integer.MAX_VALUE, c.readRetry().maxAttempts(), "read retries are bounded by time");
    }

    @Test
    void stringsAndTypedValuesAreAccepted() {
        ConsumerConfig c = new ConsumerConfig(Map.of(ConsumerConfig.POLL_INTERVAL_MS, "250",
                ConsumerConfig.PREFETCH_COMMITS, 2, ConsumerConfig.REWRITE_POLICY, "SKIP",
                ConsumerConfig.CONSUMER_NAME, "billing.v2_east-1", ConsumerConfig.START, "42"));
        assertEquals(250, c.pollIntervalMs());
        assertEquals(2, c.prefetchCommits());
        assertTrue(c.skipRewrites());
        assertEquals("billing.v2_east-1", c.consumerName());
        assertEquals(new StartPosition(StartPosition.Kind.VERSION, 42), c.start());
    }

    @Test
    void startAcceptsInstantsWithZoneOrOffset() {
        assertEquals(Instant.parse("2024-05-01T12:00:00Z").toEpochMilli(),
                StartPosition.parse("2024-05-01T12:00:00Z").value());
        assertEquals(Instant.parse("2024-05-01T10:00:00Z").toEpochMilli(),
                StartPosition.parse("2024-05-01T12:00:00+02:00").value());
        assertEquals(StartPosition.Kind.LATEST, StartPosition.parse("Latest").kind());
    }

    @Test
    void badValuesAreNamed() {
        assertNamed(Map.of("poll.intervall.ms", 5), "poll.intervall.ms");
        assertNamed(Map.of(ConsumerConfig.START, "2024-05-01T12:00:00"), ConsumerConfig.START);
        assertNamed(Map.of(ConsumerConfig.START, "yesterday"), ConsumerConfig.START);
        assertNamed(Map.of(ConsumerConfig.BUFFER_BYTES, 3000), ConsumerConfig.BUFFER_BYTES);
        assertNamed(Map.of(ConsumerConfig.CONSUMER_NAME, "a/b"), ConsumerConfig.CONSUMER_NAME);
        assertNamed(Map.of(ConsumerConfig.CONSUMER_NAME, ".."), ConsumerConfig.CONSUMER_NAME);
        assertNamed(Map.of(ConsumerConfig.REWRITE_POLICY, "redeliver"), ConsumerConfig.REWRITE_POLICY);
        assertNamed(Map.of(ConsumerConfig.PREFETCH_COMMITS, 0), ConsumerConfig.PREFETCH_COMMITS);
        assertNamed(Map.of(ConsumerConfig.POLL_INTERVAL_MIN_MS, 500), ConsumerConfig.POLL_INTERVAL_MIN_MS);
        assertNamed(Map.of(ConsumerConfig.READ_RETRY_BACKOFF_MS, 500, ConsumerConfig.READ_RETRY_BACKOFF_MAX_MS, 100),
                ConsumerConfig.READ_RETRY_BACKOFF_MAX_MS);
        assertNamed(Map.of(ConsumerConfig.READ_RETRY_TIMEOUT_MS, -1), ConsumerConfig.READ_RETRY_TIMEOUT_MS);
    }

    @Test
    void aRingThatCannotDeliverAMessageOfTheLimitIsRefusedNamingBothKeys() {
        // 4 MiB rings take records of 512 KiB: below the default limit of 1,000,000 bytes.
        ConfigException e = assertThrows(ConfigException.class,
                () -> new ConsumerConfig(Map.of(ConsumerConfig.BUFFER_BYTES, 4 << 20)));
        assertTrue(e.getMessage().contains("'" + ConsumerConfig.BUFFER_BYTES + "' (4194304)"), e.getMessage());
        assertTrue(e.getMessage().contains("'" + MessageLimits.MAX_MESSAGE_BYTES + "' (1000000)"), e.getMessage());
        assertTrue(e.getMessage().contains("at least 8388608"), e.getMessage());

        ConsumerConfig defaults = new ConsumerConfig(Map.of());
        assertTrue(MessageLimits.MAX_MESSAGE_BYTES_DEFAULT + RingRecordDescriptor.HEADER_LENGTH
                <= defaults.bufferBytes() / 8, "the defaults deliver a message of the default limit");
        ConsumerConfig raised = new ConsumerConfig(Map.of(MessageLimits.MAX_MESSAGE_BYTES, 2_000_000,
                ConsumerConfig.BUFFER_BYTES, 16 << 20));
        assertEquals(2_000_000, raised.maxMessageBytes());
    }

    private static void assertNamed(Map<String, ?> props, String key) {
        ConfigException e = assertThrows(ConfigException.class, () -> new ConsumerConfig(props));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void everyKeyIsDocumented() {
        String table = ConsumerConfig.toMarkdown();
        for (String key : new String[] {ConsumerConfig.START, ConsumerConfig.POLL_INTERVAL_MS,
                ConsumerConfig.POLL_INTERVAL_MIN_MS, ConsumerConfig.PREFETCH_COMMITS, ConsumerConfig.BUFFER_BYTES,
                ConsumerConfig.MAX_POLL_RECORDS, ConsumerConfig.CONSUMER_NAME, ConsumerConfig.TABLE_WAIT_TIMEOUT_MS,
                ConsumerConfig.REWRITE_POLICY, ConsumerConfig.DEFAULT_API_TIMEOUT_MS, ConsumerConfig.READ_RETRY_TIMEOUT_MS,
                ConsumerConfig.READ_RETRY_BACKOFF_MS, ConsumerConfig.READ_RETRY_BACKOFF_MAX_MS}) {
            assertTrue(table.contains("`" + key + "`"), key);
        }
        for (var key : ConsumerConfig.DEFINITION.keys()) {
            assertTrue(key.doc().length() > 20, key.name());
        }
    }
}
