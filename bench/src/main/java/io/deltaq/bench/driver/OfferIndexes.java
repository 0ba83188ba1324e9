package io.deltaq.bench.driver;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Which offer of a bench producer each message of its topic producer is: the topic producer's
 * listener names a message by (partition, sequence), the delivery audit by the producer's offer
 * index ({@link SendOutcomes}). One pacing thread offers; each partition's commit thread looks up
 * that partition's outcomes. Nothing is allocated per message.
 *
 * <p>A partition's producer numbers the messages it accepts from 0, so the pacer knows a message's
 * sequence once it knows the partition: the count of messages that partition accepted before. It
 * learns the partition only from the offer's answer, and the message may be committed, and its
 * acknowledgement heard, before that answer is back. So before each offer the pacer {@link #prepare
 * prepares} every partition's next sequence as that offer, and {@link #accepted} moves the one
 * partition that took it on: the entry is in place before the message is in any partition's buffer,
 * which the commit thread reads after.
 *
 * <p>Each partition keeps a ring of entries (sequence, offer index), doubled when as many of its
 * messages are in flight as it holds: an allocation the pacer makes only when a partition has more
 * messages in flight than ever before in the run. A partition's producer reports its messages'
 * outcomes in sequence order (it commits one batch at a time, in order), so the messages in flight
 * are the newest ones; each lookup checks the sequence it finds, so a mix-up fails the run instead
 * of miscounting it.
 */
final class OfferIndexes {

    private static final int INITIAL_SLOTS = 8192;
    /** Offer indexes fit the low half of an entry; the delivery audit counts fewer messages than that anyway. */
    private static final long MAX_OFFER_INDEX = 0xffff_ffffL;

    /** One partition's ring, written by the pacer, read by the partition's commit thread. */
    private static final class Ring {
        /**
         * Entries at {@code sequence mod length}: the sequence's low 32 bits, to check it, over the
         * offer index. Replaced by a bigger one when full, never resized.
         */
        volatile long[] entries = new long[INITIAL_SLOTS];
        /** Messages this partition accepted; the pacer's alone. */
        long accepted;
        /** Outcomes heard of this partition's messages; its commit thread's alone to write. */
        final AtomicLong settled = new AtomicLong();
    }

    private final Ring[] rings;

    OfferIndexes(int partitions) {
        rings = new Ring[partitions];
        for (int p = 0; p < partitions; p++) {
            rings[p] = new Ring();
        }
    }

    /** Before offering the message of {@code offerIndex}: whichever partition takes it, its next sequence is this offer. */
    void prepare(long offerIndex) {
        if (offerIndex > MAX_OFFER_INDEX) {
            throw new IllegalStateException("more than " + MAX_OFFER_INDEX + " messages from one producer");
        }
        for (Ring ring : rings) {
            long[] entries = ring.entries;
            if (ring.accepted - ring.settled.get() >= entries.length) {
                entries = grow(ring, entries);
            }
            entries[(int) (ring.accepted & (entries.length - 1))] = entry(ring.accepted, offerIndex);
        }
    }

    /** The prepared offer went to {@code partition}. */
    void accepted(int partition) {
        rings[partition].accepted++;
    }

    /**
     * The offer index of message {@code sequence} of {@code partition}, whose outcome was just
     * heard; called once per message, on the partition's commit thread.
     *
     * @throws IllegalStateException if the ring holds another message there
     */
    long settle(int partition, long sequence) {
        Ring ring = rings[partition];
        long[] entries = ring.entries;
        long entry = entries[(int) (sequence & (entries.length - 1))];
        if ((int) (entry >>> 32) != (int) sequence) {
            throw new IllegalStateException("partition " + partition + " reported message " + sequence
                    + ", whose offer is no longer known (a message " + (entry >>> 32) + " mod 2^32 is in its place)");
        }
        ring.settled.lazySet(ring.settled.get() + 1);
        return entry & MAX_OFFER_INDEX;
    }

    private static long entry(long sequence, long offerIndex) {
        return sequence << 32 | offerIndex;
    }

    /**
     * Copies the messages in flight into a ring twice the size, and publishes it: a lookup of an
     * older message still finds it in the old ring, and a message offered after this one in the new.
     */
    private static long[] grow(Ring ring, long[] entries) {
        int mask = entries.length - 1;
        long[] bigger = new long[2 * entries.length];
        for (long s = Math.max(0, ring.accepted - entries.length); s < ring.accepted; s++) {
            bigger[(int) (s & (bigger.length - 1))] = entries[(int) (s & mask)];
        }
        ring.entries = bigger;
        return bigger;
    }
}
