package io.deltaq.topic;

/**
 * Chooses a message's partition. A key goes where Kafka's default partitioner sends it: murmur2 of
 * the key bytes, made positive, modulo the partitions, so one key lands on the same partition number
 * in deltaq and in Kafka. Keyless messages stick to one partition for {@code stickyBytes} of
 * payload, then move to the next: each partition's producer sees runs long enough to make full
 * batches (one commit per batch, not one per partition per batch), and over time every partition
 * gets an equal share. The topic producer also {@link #moveTo moves them} when the current
 * partition is contended, so that producers of one topic spread over its partitions instead of
 * fighting for one log (RFC 0006, "Many producers").
 *
 * <p>Not thread-safe for keyless messages; the topic producer calls it under its lock.
 */
public final class Partitioner {

    private static final int SEED = 0x9747b28c;
    private static final int M = 0x5bd1e995;
    private static final int R = 24;

    private final long stickyBytes;
    private int sticky;
    private long stuckBytes;

    /**
     * @param stickyBytes how many key, value and header bytes of keyless messages go to one partition before the next
     * @param firstPartition where keyless messages start (a producer picks it at random, so that producers starting together spread)
     */
    public Partitioner(long stickyBytes, int firstPartition) {
        if (stickyBytes <= 0) {
            throw new IllegalArgumentException("stickyBytes must be positive, was " + stickyBytes);
        }
        this.stickyBytes = stickyBytes;
        this.sticky = Math.max(0, firstPartition);
    }

    /** The partition of a message with this key ({@code keyLength} -1 for none) and payload size, among {@code partitions}. */
    public int partition(byte[] key, int keyOffset, int keyLength, int payloadBytes, int partitions) {
        if (keyLength >= 0 && key != null) {
            return keyPartition(key, keyOffset, keyLength, partitions);
        }
        if (sticky >= partitions) {
            sticky %= partitions; // the topic has fewer partitions than when this partitioner last looked
        }
        int chosen = sticky;
        stuckBytes += payloadBytes;
        if (stuckBytes >= stickyBytes) {
            stuckBytes = 0;
            sticky = (sticky + 1) % partitions;
        }
        return chosen;
    }

    /** The partition keyless messages go to now, among {@code partitions}. */
    public int stickyPartition(int partitions) {
        if (sticky >= partitions) {
            sticky %= partitions;
        }
        return sticky;
    }

    /**
     * Moves keyless messages to {@code partition} now: the current one is contended (its producer
     * lost a commit race), and the caller chose one that is likely free.
     */
    public void moveTo(int partition) {
        stuckBytes = 0;
        sticky = partition;
    }

    /** The partition of {@code key} among {@code partitions}, as Kafka's default partitioner computes it. */
    public static int keyPartition(byte[] key, int offset, int length, int partitions) {
        if (partitions <= 0) {
            throw new IllegalArgumentException("partitions must be positive, was " + partitions);
        }
        return (murmur2(key, offset, length) & 0x7fffffff) % partitions;
    }

    /** 32-bit MurmurHash2 with Kafka's seed, over {@code length} bytes from {@code offset}. */
    public static int murmur2(byte[] data, int offset, int length) {
        int h = SEED ^ length;
        int whole = length & ~3;
        for (int i = 0; i < whole; i += 4) {
            int at = offset + i;
            int k = (data[at] & 0xff) | (data[at + 1] & 0xff) << 8 | (data[at + 2] & 0xff) << 16 | (data[at + 3] & 0xff) << 24;
            k *= M;
            k ^= k >>> R;
            k *= M;
            h *= M;
            h ^= k;
        }
        int tail = offset + whole;
        switch (length & 3) {
            case 3:
                h ^= (data[tail + 2] & 0xff) << 16;
                // fall through
            case 2:
                h ^= (data[tail + 1] & 0xff) << 8;
                // fall through
            case 1:
                h ^= data[tail] & 0xff;
                h *= M;
                break;
            default:
                break;
        }
        h ^= h >>> 13;
        h *= M;
        h ^= h >>> 15;
        return h;
    }
}
