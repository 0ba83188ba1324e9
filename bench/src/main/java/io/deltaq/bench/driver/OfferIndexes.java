package io.deltaq.bench.driver;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

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

    /*
     * A partition's counters, in {@link #counters}: the pacer's two on one pair of cache lines, the
     * commit thread's on the next pair. Written per message by different threads, on one line they
     * would pass it back and forth on every message (at 2M msg/s a JFR profile put a tenth of the
     * producer JVM's samples in settle). The pacer reads what the commit thread wrote only when its
     * last look says the ring may be full, as Agrona's rings cache the head.
     */
    /** Longs per padding: two cache lines, as Agrona pads, for the prefetcher that fetches lines in pairs. */
    private static final int PAD = 16;
    /** Messages the partition accepted; the pacer's alone. */
    private static final int ACCEPTED = 0;
    /** The pacer's last look at {@link #SETTLED}. */
    private static final int SETTLED_SEEN = 1;
    /** Outcomes heard of the partition's messages; its commit thread's alone to write. */
    private static final int SETTLED = PAD;
    private static final int STRIDE = 2 * PAD;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle RINGS = MethodHandles.arrayElementVarHandle(long[][].class);

    /**
     * By partition, entries at {@code sequence mod length}: the sequence's low 32 bits, to check it,
     * over the offer index. Written by the pacer, read by the partition's commit thread; replaced by a
     * bigger one when full, never resized.
     */
    private final long[][] rings;
    private final long[] counters;

    OfferIndexes(int partitions) {
        rings = new long[partitions][];
        for (int p = 0; p < partitions; p++) {
            rings[p] = new long[INITIAL_SLOTS];
        }
        counters = new long[PAD + partitions * STRIDE + PAD];
    }

    private static int counter(int partition, int field) {
        return PAD + partition * STRIDE + field;
    }

    /** Before offering the message of {@code offerIndex}: whichever partition takes it, its next sequence is this offer. */
    void prepare(long offerIndex) {
        if (offerIndex > MAX_OFFER_INDEX) {
            throw new IllegalStateException("more than " + MAX_OFFER_INDEX + " messages from one producer");
        }
        long[] counts = counters;
        for (int p = 0; p < rings.length; p++) {
            long[] entries = rings[p]; // the pacer's own writes: no ordering needed to read them
            long accepted = counts[counter(p, ACCEPTED)];
            if (accepted - counts[counter(p, SETTLED_SEEN)] >= entries.length) {
                long settled = (long) LONGS.getAcquire(counts, counter(p, SETTLED));
                counts[counter(p, SETTLED_SEEN)] = settled;
                if (accepted - settled >= entries.length) {
                    entries = grow(p, entries, accepted);
                }
            }
            entries[(int) (accepted & (entries.length - 1))] = entry(accepted, offerIndex);
        }
    }

    /** The prepared offer went to {@code partition}. */
    void accepted(int partition) {
        counters[counter(partition, ACCEPTED)]++;
    }

    /**
     * The offer index of message {@code sequence} of {@code partition}, whose outcome was just
     * heard; called once per message, on the partition's commit thread.
     *
     * @throws IllegalStateException if the ring holds another message there
     */
    long settle(int partition, long sequence) {
        long[] entries = (long[]) RINGS.getAcquire(rings, partition);
        long entry = entries[(int) (sequence & (entries.length - 1))];
        if ((int) (entry >>> 32) != (int) sequence) {
            throw new IllegalStateException("partition " + partition + " reported message " + sequence
                    + ", whose offer is no longer known (a message " + (entry >>> 32) + " mod 2^32 is in its place)");
        }
        int settled = counter(partition, SETTLED);
        LONGS.setRelease(counters, settled, counters[settled] + 1);
        return entry & MAX_OFFER_INDEX;
    }

    /** Outcomes heard so far, of every partition: from any thread. */
    long settled() {
        long sum = 0;
        for (int p = 0; p < rings.length; p++) {
            sum += (long) LONGS.getAcquire(counters, counter(p, SETTLED));
        }
        return sum;
    }

    private static long entry(long sequence, long offerIndex) {
        return sequence << 32 | offerIndex;
    }

    /**
     * Copies the messages in flight into a ring twice the size, and publishes it: a lookup of an
     * older message still finds it in the old ring, and a message offered after this one in the new.
     */
    private long[] grow(int partition, long[] entries, long accepted) {
        int mask = entries.length - 1;
        long[] bigger = new long[2 * entries.length];
        for (long s = Math.max(0, accepted - entries.length); s < accepted; s++) {
            bigger[(int) (s & (bigger.length - 1))] = entries[(int) (s & mask)];
        }
        RINGS.setRelease(rings, partition, bigger);
        return bigger;
    }
}
