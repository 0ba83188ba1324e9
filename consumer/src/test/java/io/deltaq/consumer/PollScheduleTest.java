package io.deltaq.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How often the tailer looks for the next commit: at the shortest interval for the first few misses
 * after a commit is found (a busy table is followed closely), then backing off to the longest
 * interval (an idle table costs little). The schedule is driven by a clock value the test sets, so
 * hours of polling take microseconds.
 */
class PollScheduleTest {

    private static final long MIN = ms(10);
    private static final long MAX = ms(1_000);

    private static long ms(long ms) {
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }

    /** Misses every read from {@code from} until {@code until}, each at the moment it is due; returns the waits. */
    private static List<Long> missEveryRead(PollSchedule s, long from, long until) {
        List<Long> waits = new ArrayList<>();
        long now = from;
        while (now - until < 0) {
            assertTrue(s.readDue(now));
            s.missed(now);
            waits.add(s.backoffNs());
            assertFalse(s.readDue(s.nextReadNs() - 1), "not due before its time");
            now = s.nextReadNs();
        }
        return waits;
    }

    @Test
    void aReadIsDueAtOnceWhenTailingStartsAndAfterEachFind() {
        PollSchedule s = new PollSchedule(MIN, MAX);
        s.start(ms(5));
        assertTrue(s.readDue(ms(5)));
        assertFalse(s.readDue(ms(5) - 1));
        s.found(ms(7));
        assertTrue(s.readDue(ms(7)));
        assertEquals(0, s.backoffNs());
    }

    @Test
    void eightMissesAtTheShortestIntervalAfterAFindThenTheWaitDoublesUpToTheLongest() {
        PollSchedule s = new PollSchedule(MIN, MAX);
        s.start(0);
        s.found(0);
        List<Long> waits = missEveryRead(s, 0, ms(5_000));
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < PollSchedule.FAST_MISSES; i++) {
            expected.add(MIN);
        }
        for (long w = 2 * MIN; w < MAX; w *= 2) {
            expected.add(w); // 20, 40, ... 640 ms
        }
        while (expected.size() < waits.size()) {
            expected.add(MAX);
        }
        assertEquals(expected, waits);
        // The counts the wall-clock test this replaces allowed 10 to 30 and at most 6 of: 9 reads at 10 ms
        // then 20, 40, 80, 160, 320 ms in the 900 ms after a find (doubling from the first miss would give
        // 6, the shortest interval throughout 90), and one a second once idle.
        assertEquals(14, readsBetween(0, ms(900)));
        assertEquals(3, readsBetween(ms(3_000), ms(6_000)));
    }

    /** Reads of a table quiet since a find at 0, in {@code [from, to)}. */
    private static long readsBetween(long from, long to) {
        PollSchedule s = new PollSchedule(MIN, MAX);
        s.start(0);
        s.found(0);
        long reads = 0;
        for (long now = 0; now < to; now = s.nextReadNs()) {
            reads += now >= from ? 1 : 0;
            s.missed(now);
        }
        return reads;
    }

    @Test
    void aFindStartsTheFastPhaseOver() {
        PollSchedule s = new PollSchedule(MIN, MAX);
        s.start(0);
        missEveryRead(s, 0, ms(10_000));
        assertEquals(MAX, s.backoffNs());
        long found = s.nextReadNs();
        s.found(found);
        s.missed(found);
        assertEquals(MIN, s.backoffNs());
    }

    @Test
    void theFastPhaseEndsTheLongestIntervalAfterTheFindEvenWithFewerMisses() {
        PollSchedule s = new PollSchedule(ms(5), ms(100));
        s.start(0);
        s.found(0);
        s.missed(ms(150)); // a slow GET: the first miss after a find still waits the shortest interval
        assertEquals(ms(5), s.backoffNs());
        s.missed(ms(155));
        assertEquals(ms(10), s.backoffNs(), "150 ms after the find the wait doubles, though only 2 misses");
        s.missed(ms(165));
        assertEquals(ms(20), s.backoffNs());
    }

    @Test
    void equalIntervalsPollAtAFixedRate() {
        PollSchedule s = new PollSchedule(ms(100), ms(100));
        s.start(0);
        s.found(0);
        assertTrue(missEveryRead(s, 0, ms(10_000)).stream().allMatch(w -> w == ms(100)));
    }

    @Test
    void theConfiguredIntervalsAreUsed() {
        PollSchedule s = PollSchedule.of(new ConsumerConfig(Map.of(ConsumerConfig.POLL_INTERVAL_MIN_MS, 3,
                ConsumerConfig.POLL_INTERVAL_MS, 50)));
        s.start(0);
        List<Long> waits = missEveryRead(s, 0, ms(2_000));
        assertEquals(ms(3), waits.get(0));
        assertEquals(ms(50), waits.get(waits.size() - 1));
    }

    @Test
    void theReadAheadWindowWidensWithFindsInARowUpToTheRoom() {
        PollSchedule s = new PollSchedule(MIN, MAX);
        s.start(0);
        assertEquals(1, s.window(8), "at the start one version at a time");
        for (int found = 1; found <= 10; found++) {
            s.found(found);
            assertEquals(Math.min(found, 8), s.window(8));
            assertEquals(Math.min(found, 3), s.window(3));
        }
        assertEquals(1, s.window(0), "a read asks for one version at least");
        s.missed(11);
        assertEquals(1, s.window(8), "a miss: the head of the log is reached");
        s.found(12);
        assertEquals(1, s.window(8));
        s.found(13);
        assertEquals(2, s.window(8));
        s.start(14);
        assertEquals(1, s.window(8), "a restart forgets the finds");
    }

    @Test
    void aFindAtTheHeadReadsOneVersionAtATimeForAFewFindsThenTheWindowWidensAgain() {
        PollSchedule s = new PollSchedule(MIN, MAX);
        s.start(0);
        for (int t = 1; t <= 5; t++) {
            s.found(t);
        }
        assertEquals(5, s.window(8));
        s.foundAtTheHead(6);
        assertTrue(s.readDue(6), "a find at the head, like any find, makes the next read due at once");
        assertEquals(1, s.window(8), "what is read ahead at the head is written after it is asked for");
        for (int t = 7; t < 7 + PollSchedule.HEAD_FINDS - 1; t++) {
            s.found(t);
            assertEquals(1, s.window(8), "still one at a time at " + t);
        }
        s.found(100);
        assertEquals(1, s.window(8));
        s.found(101);
        assertEquals(2, s.window(8), "finds in a row beyond them: behind after all, the window widens");
    }

    @Test
    void aGapProbeIsDueEveryTenLongestIntervalsAndAtLeastEverySecond() {
        PollSchedule s = new PollSchedule(MIN, MAX);
        s.start(0);
        assertFalse(s.gapProbeDue(ms(9_999)));
        assertTrue(s.gapProbeDue(ms(10_000)));
        s.gapProbeSent(ms(10_500));
        assertFalse(s.gapProbeDue(ms(20_499)));
        assertTrue(s.gapProbeDue(ms(20_500)));

        PollSchedule fast = new PollSchedule(ms(1), ms(20));
        fast.start(0);
        assertFalse(fast.gapProbeDue(ms(999)), "10 x 20 ms is less than the 1 s floor");
        assertTrue(fast.gapProbeDue(ms(1_000)));
    }

    @Test
    void theFirstGapProbeAndEveryFifthAfterItListsTheOthersGetTheNextVersion() {
        PollSchedule s = new PollSchedule(MIN, MAX);
        s.start(0);
        List<Boolean> lists = new ArrayList<>();
        for (int i = 0; i < 2 * PollSchedule.GAP_PROBES_PER_LISTING + 1; i++) {
            lists.add(s.gapProbeLists());
            s.gapProbeSent(ms(10_000L * (i + 1)));
        }
        assertEquals(List.of(true, false, false, false, false, true, false, false, false, false, true), lists);
        s.start(ms(200_000));
        assertTrue(s.gapProbeLists(), "a restart (a seek) lists first: a consumer behind two missing versions learns at once");
    }

    @Test
    void aProbeThatSawALaterVersionMakesAReadDueAtOnce() {
        PollSchedule s = new PollSchedule(MIN, MAX);
        s.start(0);
        missEveryRead(s, 0, ms(5_000));
        long now = s.nextReadNs() - ms(500);
        assertFalse(s.readDue(now));
        s.readNow(now);
        assertTrue(s.readDue(now));
    }

    @Test
    void aClockThatWrapsAroundStillSchedules() {
        PollSchedule s = new PollSchedule(MIN, MAX);
        long start = Long.MAX_VALUE - ms(50); // nanoTime may be anywhere, and wraps
        s.start(start);
        s.found(start);
        List<Long> waits = missEveryRead(s, start, start + ms(5_000));
        assertEquals(MIN, waits.get(0));
        assertEquals(MAX, waits.get(waits.size() - 1));
        assertTrue(s.nextReadNs() < 0, "the schedule ran past the wrap");
    }

    @Test
    void intervalsOutOfOrderAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PollSchedule(ms(10), ms(5)));
        assertThrows(IllegalArgumentException.class, () -> new PollSchedule(0, ms(5)));
    }
}
