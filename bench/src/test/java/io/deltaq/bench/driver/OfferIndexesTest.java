package io.deltaq.bench.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/**
 * The offer index of each (partition, sequence), as a topic producer's listener hears them: with
 * outcomes heard before the pacer learns the partition, with many messages in flight (the rings
 * grow), and from several commit threads at once.
 */
class OfferIndexesTest {

    @Test
    void eachPartitionsSequencesMapToTheOffersThatPartitionTook() {
        OfferIndexes offers = new OfferIndexes(3);
        int[] partitionOf = {0, 0, 2, 1, 2, 2, 0};
        for (int i = 0; i < partitionOf.length; i++) {
            offers.prepare(i);
            offers.accepted(partitionOf[i]);
        }
        assertEquals(0, offers.settle(0, 0));
        assertEquals(1, offers.settle(0, 1));
        assertEquals(6, offers.settle(0, 2));
        assertEquals(3, offers.settle(1, 0));
        assertEquals(2, offers.settle(2, 0));
        assertEquals(4, offers.settle(2, 1));
        assertEquals(5, offers.settle(2, 2));
    }

    @Test
    void anOutcomeHeardBeforeTheOfferReturnedFindsItsOffer() {
        OfferIndexes offers = new OfferIndexes(2);
        offers.prepare(0);
        // The commit thread acknowledges partition 1's message 0 before the pacer hears where it went.
        assertEquals(0, offers.settle(1, 0));
        offers.accepted(1);
        offers.prepare(1);
        assertEquals(1, offers.settle(1, 1));
        offers.accepted(1);
    }

    @Test
    void manyMessagesInFlightGrowTheRingAndKeepEveryOffer() {
        OfferIndexes offers = new OfferIndexes(2);
        int n = 50_000; // well past the first ring's 8192 slots, all unacknowledged
        for (int i = 0; i < n; i++) {
            offers.prepare(i);
            offers.accepted(i % 3 == 0 ? 1 : 0);
        }
        long zero = 0;
        long one = 0;
        for (int i = 0; i < n; i++) {
            int partition = i % 3 == 0 ? 1 : 0;
            assertEquals(i, offers.settle(partition, partition == 1 ? one++ : zero++), "offer " + i);
        }
        assertEquals(n, offers.settled());
    }

    @Test
    void aMessageNoLongerKnownFailsInsteadOfMiscounting() {
        OfferIndexes offers = new OfferIndexes(1);
        offers.prepare(0);
        offers.accepted(0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> offers.settle(0, 8192));
        assertTrue(e.getMessage().contains("message 8192"), e.getMessage());
    }

    /**
     * One pacer and a commit thread per partition, the partition's buffer a queue: each commit thread
     * hears its partition's messages in order, some before the pacer calls {@link OfferIndexes#accepted}.
     */
    @Test
    void concurrentCommitThreadsEachFindTheirOffers() throws Exception {
        int partitions = 4;
        int n = 200_000;
        OfferIndexes offers = new OfferIndexes(partitions);
        List<ConcurrentLinkedQueue<long[]>> buffers = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            buffers.add(new ConcurrentLinkedQueue<>());
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] perPartition = new long[partitions];
        List<Thread> committers = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            int partition = p;
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        // Read before the poll: the pacer interrupts after its last add, so a poll
                        // that follows a seen interrupt finds every message, and an empty one is the end.
                        boolean sentAll = Thread.currentThread().isInterrupted();
                        long[] message = buffers.get(partition).poll();
                        if (message == null) {
                            if (sentAll) {
                                return;
                            }
                            Thread.onSpinWait();
                            continue;
                        }
                        long offer = offers.settle(partition, message[0]);
                        if (offer != message[1]) {
                            throw new AssertionError("partition " + partition + " message " + message[0] + ": offer "
                                    + offer + ", expected " + message[1]);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            t.start();
            committers.add(t);
        }
        Random random = new Random(7);
        int sticky = 0;
        for (int i = 0; i < n; i++) {
            if (random.nextInt(50) == 0) {
                sticky = random.nextInt(partitions); // runs, as keyless stickiness makes them
            }
            offers.prepare(i);
            // In the partition's buffer (and perhaps already heard) before the pacer knows where it went.
            buffers.get(sticky).add(new long[] {perPartition[sticky]++, i});
            offers.accepted(sticky);
        }
        for (Thread t : committers) {
            t.interrupt(); // stop waiting for more than was sent: each ends once its queue is empty
        }
        for (Thread t : committers) {
            t.join(60_000);
            assertFalse(t.isAlive(), t + " ended within 60 s of the last offer");
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        for (int p = 0; p < partitions; p++) {
            assertTrue(buffers.get(p).isEmpty(), "partition " + p + " heard everything");
        }
        assertEquals(n, offers.settled(), "every outcome counted once, across the commit threads");
    }
}
