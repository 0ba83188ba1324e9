package io.deltaq.consumer;

import java.util.concurrent.TimeUnit;

/**
 * When the tailer next reads the log for the version after the last one found, how many versions
 * that read asks for at once, and when it probes for a gap: a function of the clock and of what
 * the reads so far found. It has no thread, never sleeps and never touches storage; the tailer
 * gives it the time it read once per duty cycle, a test any time it likes.
 *
 * <p>After a found commit the next read is due at once. After a miss it is due after
 * {@code poll.interval.min.ms} for the first {@value #FAST_MISSES} misses within
 * {@code poll.interval.ms} of the find, then after a wait that doubles on each further miss up to
 * {@code poll.interval.ms}; a find starts over.
 */
final class PollSchedule {

    /** Misses after a found commit that wait only the shortest interval before backing off. */
    static final int FAST_MISSES = 8;
    /** After a find at the head, finds that read one version at a time before the window widens again. */
    static final int HEAD_FINDS = 4;
    /** Between probes for a gap while the next version stays missing: this many longest intervals. */
    static final int GAP_PROBE_INTERVALS = 10;
    static final long MIN_GAP_PROBE_NS = TimeUnit.SECONDS.toNanos(1);
    /**
     * Of the gap probes, the first and then every this many is a listing (which finds a later version
     * beyond any number of missing ones); the others GET the next version (a tenth of a LIST's price).
     */
    static final int GAP_PROBES_PER_LISTING = 5;

    private final long shortestNs;
    private final long longestNs;
    private final long gapProbeIntervalNs;

    private long nextReadNs;
    /** The wait after the last miss; 0 after a find. */
    private long backoffNs;
    /** When the last commit was found, and the misses since: the first few wait only the shortest interval. */
    private long lastFoundNs;
    private int missesSinceFound;
    /** Commits found one after another without a miss: this many (up to the room) are read at once. */
    private int foundInARow;
    private long nextGapProbeNs;
    private int gapProbes;

    /**
     * @param shortestNs {@code poll.interval.min.ms}, in nanoseconds
     * @param longestNs {@code poll.interval.ms}, in nanoseconds; at least {@code shortestNs}
     */
    PollSchedule(long shortestNs, long longestNs) {
        if (shortestNs <= 0 || longestNs < shortestNs) {
            throw new IllegalArgumentException("intervals " + shortestNs + " and " + longestNs
                    + " ns must be positive and in order");
        }
        this.shortestNs = shortestNs;
        this.longestNs = longestNs;
        this.gapProbeIntervalNs = Math.max(MIN_GAP_PROBE_NS, GAP_PROBE_INTERVALS * longestNs);
    }

    static PollSchedule of(ConsumerConfig config) {
        return new PollSchedule(TimeUnit.MILLISECONDS.toNanos(config.pollIntervalMinMs()),
                TimeUnit.MILLISECONDS.toNanos(config.pollIntervalMs()));
    }

    /** Tailing begins (or begins again after a seek): a read is due at once, as after a find. */
    void start(long nowNs) {
        backoffNs = 0;
        foundInARow = 0;
        lastFoundNs = nowNs;
        missesSinceFound = 0;
        nextReadNs = nowNs;
        nextGapProbeNs = nowNs + gapProbeIntervalNs;
        gapProbes = 0;
    }

    /** A read found the next version's commit. */
    void found(long nowNs) {
        backoffNs = 0;
        lastFoundNs = nowNs;
        missesSinceFound = 0;
        foundInARow++;
        nextReadNs = nowNs;
    }

    /**
     * A read found the next version's commit only when it asked again after a GET sent ahead had
     * missed it: the tailer is at the head, where each commit lands about when it is asked for, so
     * finds in a row do not mean it is behind. The next {@value #HEAD_FINDS} finds read one version
     * at a time; a tailer really behind widens its window again after them.
     */
    void foundAtTheHead(long nowNs) {
        found(nowNs);
        foundInARow = 1 - HEAD_FINDS;
    }

    /** A read found the next version missing. */
    void missed(long nowNs) {
        foundInARow = 0;
        missesSinceFound++;
        // A busy table commits every few tens of milliseconds: a few misses at the shortest interval
        // after each find follow it closely. Beyond them (or a longest interval after the find) the
        // wait doubles up to the longest interval, so a quiet table costs little however the
        // intervals are set.
        boolean busy = missesSinceFound <= FAST_MISSES && nowNs - lastFoundNs < longestNs;
        backoffNs = busy || backoffNs == 0 ? shortestNs : Math.min(backoffNs * 2, longestNs);
        nextReadNs = nowNs + backoffNs;
    }

    /** Makes a read due at once (a later version exists, so the next one has landed or is a gap). */
    void readNow(long nowNs) {
        nextReadNs = nowNs;
    }

    boolean readDue(long nowNs) {
        return nowNs - nextReadNs >= 0; // a difference, so a nanoTime that wraps still compares right
    }

    long nextReadNs() {
        return nextReadNs;
    }

    /** The wait the last miss set; 0 after a find. */
    long backoffNs() {
        return backoffNs;
    }

    /**
     * Versions the next read asks for at once. At the head of the log one is enough; behind it (each
     * read found a commit) one version per round trip would cap catching up, so the window widens
     * with each find in a row.
     *
     * @param room versions the tailer can take now ({@code prefetch.commits} minus those it holds)
     */
    int window(int room) {
        return Math.max(1, Math.min(foundInARow, room));
    }

    /** Whether to ask whether the version after the missing one exists (versions are created in order). */
    boolean gapProbeDue(long nowNs) {
        return nowNs - nextGapProbeNs >= 0;
    }

    /** Whether the probe due is a listing of the versions after the missing one, rather than a GET of the next. */
    boolean gapProbeLists() {
        return gapProbes % GAP_PROBES_PER_LISTING == 0;
    }

    void gapProbeSent(long nowNs) {
        nextGapProbeNs = nowNs + gapProbeIntervalNs;
        gapProbes++;
    }
}
