package io.deltaq.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import io.deltaq.consumer.ConsumerConfig;
import io.deltaq.s3io.config.ConfigException;
import org.junit.jupiter.api.Test;

class GroupConfigTest {

    @Test
    void aMembersBufferIsSplitBetweenThePartitionsButNeverBelowARingForTheLargestMessage() {
        GroupConfig large = new GroupConfig(Map.of(GroupConfig.GROUP_ID, "g", ConsumerConfig.BUFFER_BYTES, 64 << 20));
        assertEquals(16 << 20, large.partitionConsumerConfig(4).get(ConsumerConfig.BUFFER_BYTES));
        assertEquals(16 << 20, large.partitionConsumerConfig(3).get(ConsumerConfig.BUFFER_BYTES), "21.3 MiB rounded down to a power of two");
        int floor = ConsumerConfig.minBufferBytes(1_000_000);
        assertEquals(floor, large.partitionConsumerConfig(32).get(ConsumerConfig.BUFFER_BYTES), "a ring for max.message.bytes");
        GroupConfig defaults = new GroupConfig(Map.of(GroupConfig.GROUP_ID, "g"));
        assertEquals(ConsumerConfig.BUFFER_BYTES_DEFAULT, defaults.partitionConsumerConfig(8).get(ConsumerConfig.BUFFER_BYTES));
        assertEquals("g", defaults.partitionConsumerConfig(8).get(ConsumerConfig.CONSUMER_NAME));
    }

    @Test
    void aGroupNeedsAnIdAndTakesNoConsumerName() {
        assertThrows(ConfigException.class, () -> new GroupConfig(Map.of()));
        ConfigException named = assertThrows(ConfigException.class,
                () -> new GroupConfig(Map.of(GroupConfig.GROUP_ID, "g", ConsumerConfig.CONSUMER_NAME, "x")));
        assertTrue(named.getMessage().contains("consumer.name"), named.getMessage());
    }
}
