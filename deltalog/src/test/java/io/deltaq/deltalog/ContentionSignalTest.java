package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.Conditions;
import io.deltaq.testkit.TestS3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The announcements of lost races and the yields they ask for (RFC 0006, "Fairness on one log"). */
class ContentionSignalTest {

    @TempDir
    Path dir;
    ObjectStore store;
    LogStore io;

    @BeforeEach
    void open() {
        store = TestS3.local(dir);
        io = DeltaTable.at(store, "t").io();
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** Polls until one more check has answered (checks are due at intervals and answer asynchronously). */
    private static void check(ContentionSignal signal) {
        long before = signal.checks();
        Conditions.await(() -> {
            signal.poll(System.nanoTime());
            return signal.checks() > before;
        }, "a check of the announcement answered");
    }

    private String announcement() {
        return store.get("t/" + ContentionSignal.KEY).join().map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
    }

    @Test
    void aLoserAnnouncesOnlyWhenAskedAndAnotherWriterYieldsOncePerNewAnnouncement() {
        ContentionSignal incumbent = new ContentionSignal(io, "a", "instance-a");
        ContentionSignal loser = new ContentionSignal(io, "b", "instance-b");
        check(incumbent); // the baseline: nothing announced yet
        assertFalse(incumbent.yieldRequested());

        loser.lost(7, false);
        assertEquals(null, announcement(), "a single lost race is a passing collision: no announcement");
        loser.lost(8, true);
        Conditions.await(() -> announcement() != null, "the announcement is written");
        assertTrue(announcement().contains("\"lostVersion\":8") && announcement().contains("instance-b"), announcement());

        Conditions.await(() -> {
            incumbent.poll(System.nanoTime());
            return incumbent.yieldRequested();
        }, "the incumbent sees the new announcement");
        incumbent.yielded();
        check(incumbent);
        assertFalse(incumbent.yieldRequested(), "the same announcement asks for one yield only");
        assertEquals(1, incumbent.yields());

        Conditions.await(() -> {
            loser.lost(9, true); // announcements are spaced out: retried until one is due
            return announcement().contains("\"lostVersion\":9");
        }, "the second announcement is written");
        Conditions.await(() -> {
            incumbent.poll(System.nanoTime());
            return incumbent.yieldRequested();
        }, "a new announcement asks again");
        assertEquals(2, incumbent.yields());
    }

    @Test
    void aWritersOwnAnnouncementAndOneLeftFromBeforeItStartedAskForNothing() {
        ContentionSignal gone = new ContentionSignal(io, "gone", "instance-gone");
        gone.lost(3, true);
        Conditions.await(() -> announcement() != null, "an old announcement is there");

        ContentionSignal writer = new ContentionSignal(io, "w", "instance-w");
        check(writer);
        assertFalse(writer.yieldRequested(), "an announcement older than the writer's first look is no news");

        Conditions.await(() -> {
            writer.lost(4, true);
            return announcement().contains("instance-w");
        }, "the writer's own announcement is written");
        check(writer);
        assertFalse(writer.yieldRequested(), "a writer never yields to itself");
    }
}
