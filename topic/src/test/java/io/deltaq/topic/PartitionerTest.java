package io.deltaq.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class PartitionerTest {

    @Test
    void aKeyLandsOnThePartitionKafkasDefaultPartitionerChooses() {
        Random random = new Random(20261206);
        for (int i = 0; i < 20_000; i++) {
            byte[] key = new byte[random.nextInt(48)];
            random.nextBytes(key);
            int partitions = 1 + random.nextInt(200);
            int kafka = Utils.toPositive(Utils.murmur2(key)) % partitions;
            assertEquals(kafka, Partitioner.keyPartition(key, 0, key.length, partitions),
                    "key of " + key.length + " bytes among " + partitions + " partitions");
        }
    }

    @Test
    void aKeyInsideALargerArrayHashesLikeTheKeyAlone() {
        byte[] buffer = "xxorder-4711yy".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] key = "order-4711".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(Utils.murmur2(key), Partitioner.murmur2(buffer, 2, key.length));
    }

    @Test
    void keylessMessagesStickToAPartitionForTheStickyBytesThenMoveOnAndSpreadEvenly() {
        Partitioner partitioner = new Partitioner(1_000, 2);
        int partitions = 4;
        int[] counts = new int[partitions];
        int previous = -1;
        int switches = 0;
        for (int i = 0; i < 4_000; i++) {
            int p = partitioner.partition(null, 0, -1, 100, partitions);
            if (i < 10) {
                assertEquals(2, p, "the first 1,000 bytes go to the first partition");
            }
            if (previous >= 0 && p != previous) {
                switches++;
                assertEquals((previous + 1) % partitions, p, "moves to the next partition");
            }
            previous = p;
            counts[p]++;
        }
        assertEquals(399, switches);
        for (int c : counts) {
            assertEquals(1_000, c, "every partition gets an equal share");
        }
    }

    @Test
    void keylessMessagesFollowATopicThatShrankUnderThePartitioner() {
        Partitioner partitioner = new Partitioner(1 << 20, 7);
        int p = partitioner.partition(null, 0, -1, 10, 3);
        assertTrue(p >= 0 && p < 3, "partition " + p + " of 3");
    }
}
