package io.deltaq.deltalog;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fairness between the writers of one log (RFC 0006, "Fairness on one log"). A writer that just
 * committed sends its next commit at once, knowing the head; a writer that lost must read the
 * winner and list the log first, by which time the winner has taken the next version too: without
 * help the loser starves for as long as the winner has batches, which at a steady rate is forever.
 *
 * <p>So a writer that loses a race <em>announces</em> it: it overwrites one small object,
 * {@value #KEY} under the table root, with its instance and a counter (plain PUT, not awaited, at
 * most every {@link #ANNOUNCE_INTERVAL_NS}). A writer that commits back to back <em>checks</em>
 * that object (one GET, not awaited, every {@link #CHECK_INTERVAL_NS} while it shares the log,
 * every {@link #ALONE_CHECK_INTERVAL_NS} while it has met no other writer); each time it changed
 * and is another instance's, the writer {@linkplain #yieldRequested yields} once: it leaves a gap
 * after its commit long enough for the loser's catch-up to land first. Losers take turns with
 * winners instead of waiting for them to fall idle.
 *
 * <p>The object is advice, never a lock: commits stay put-if-absent, so a lost, late or garbled
 * announcement costs fairness for a moment, never a message. It lies outside {@code _delta_log/},
 * where Delta readers never look.
 *
 * <p>Thread-safe: {@link #lost} runs on store completion threads, {@link #poll} on the committing
 * thread.
 */
public final class ContentionSignal {

    /** Where announcements are written, under the table root. */
    public static final String KEY = "_deltaq/contention.json";
    /** A losing writer announces at most this often. */
    static final long ANNOUNCE_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(20);
    /** A busy writer that met another writer in the last {@link #SHARED_NS} reads the announcement at most this often. */
    static final long CHECK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(20);
    /** A busy writer that met no other writer lately reads it this often: a new loser waits at most this for its first turn. */
    static final long ALONE_CHECK_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    /** How long a lost race shows that the log is shared. */
    static final long SHARED_NS = TimeUnit.MINUTES.toNanos(1);
    private static final int MAX_BYTES = 4096;

    private final LogStore io;
    private final String key;
    private final String writerId;
    private final String instance;
    private final AtomicLong announcements = new AtomicLong();
    private final AtomicLong lastAnnounceNs = new AtomicLong(System.nanoTime() - ANNOUNCE_INTERVAL_NS);
    private final AtomicBoolean checking = new AtomicBoolean();
    private volatile long nextCheckNs = System.nanoTime();
    private final AtomicLong checks = new AtomicLong();
    private volatile String lastSeen;
    /** Whether a check has answered yet: the first answer is only the baseline. */
    private volatile boolean baselined;
    /** Set by a new announcement of another writer, cleared when this writer has left it one gap. */
    private volatile boolean yieldRequested;
    /** When this writer last lost a race: until {@link #SHARED_NS} later it checks often. */
    private volatile long lastLossNs = System.nanoTime() - SHARED_NS;
    private final AtomicLong yields = new AtomicLong();

    ContentionSignal(LogStore io, String writerId, String instance) {
        this.io = io;
        this.key = io.root + KEY;
        this.writerId = writerId;
        this.instance = instance;
    }

    /**
     * This writer lost the race for {@code version}, so the log is shared; when {@code announce},
     * it tells the others, at most every {@link #ANNOUNCE_INTERVAL_NS}.
     */
    void lost(long version, boolean announce) {
        long now = System.nanoTime();
        lastLossNs = now;
        if (!announce) {
            return;
        }
        long last = lastAnnounceNs.get();
        if (now - last < ANNOUNCE_INTERVAL_NS || !lastAnnounceNs.compareAndSet(last, now)) {
            return;
        }
        long announcement = announcements.incrementAndGet();
        byte[] json = ActionJson.objectLine(g -> {
            g.writeStringField("writer", writerId);
            g.writeStringField("instance", instance);
            g.writeNumberField("lostVersion", version);
            g.writeNumberField("announcement", announcement);
        });
        // Not awaited and best effort: an announcement that fails only delays fairness.
        io.store.put(key, json);
    }

    /**
     * Reads the announcement if a check is due ({@code nowNs}, {@link System#nanoTime()}); the answer
     * arrives later and is seen by {@link #othersWaiting}. Call it while committing back to back.
     */
    public void poll(long nowNs) {
        if (nowNs - nextCheckNs < 0 || !checking.compareAndSet(false, true)) {
            return;
        }
        nextCheckNs = nowNs + (nowNs - lastLossNs < SHARED_NS ? CHECK_INTERVAL_NS : ALONE_CHECK_INTERVAL_NS);
        io.store.get(key, MAX_BYTES).whenComplete((data, error) -> {
            try {
                if (error == null) {
                    seen(data);
                }
            } finally {
                checks.incrementAndGet();
                checking.set(false);
            }
        });
    }

    private void seen(Optional<byte[]> data) {
        String content = data.map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
        String before = lastSeen;
        boolean news = baselined && content != null && !content.equals(before);
        lastSeen = content;
        baselined = true;
        // Only a change is news: an old announcement left by a writer long gone must not slow anyone.
        if (news && !content.contains("\"" + instance + "\"")) {
            yieldRequested = true;
            yields.incrementAndGet();
        }
    }

    /**
     * Whether another writer announced a lost race since this one last yielded: leave a gap before
     * the next commit, so that the loser's catch-up lands first. One announcement buys one gap, so
     * a log with losers takes turns without idling.
     */
    public boolean yieldRequested() {
        return yieldRequested;
    }

    /** This writer left its gap: the next one takes a new announcement. */
    public void yielded() {
        yieldRequested = false;
    }

    /** How many checks have answered (or failed). */
    public long checks() {
        return checks.get();
    }

    /** How many announcements of other writers this writer has seen, each asking it to yield once. */
    public long yields() {
        return yields.get();
    }
}
