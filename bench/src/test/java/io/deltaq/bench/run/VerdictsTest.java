package io.deltaq.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import io.deltaq.bench.driver.ClientOptions;
import io.deltaq.bench.driver.TargetOptions;
import org.junit.jupiter.api.Test;

class VerdictsTest {

    private static final BenchSettings SETTINGS = new BenchSettings(List.of(1000L), 9, 1, 30, List.of(),
            new ClientOptions(100, OptionalLong.empty(), Optional.empty()), 1, 1, true, List.of(),
            new TargetOptions(Optional.empty(), Optional.empty(), Optional.empty(), 0, 0, Optional.empty(), "t", Path.of(".")),
            Path.of("."), 0, false);

    /** A complete run at its rate whose interval p50s are {@code p50Ms}, one per second. */
    private static RateResult run(double... p50Ms) {
        RateResult r = new RateResult("kafka", 1000, 9);
        r.sent = 10_000;
        r.received = 10_000;
        r.caughtUp = true;
        r.achievedRate = 1000;
        for (int i = 0; i < p50Ms.length; i++) {
            long micros = (long) (p50Ms[i] * 1000);
            r.intervals.add(new RateResult.Interval(i + 1, 1000, micros, micros, micros, micros, micros, micros, micros,
                    micros));
        }
        return r;
    }

    @Test
    void flatLatencyIsStable() {
        RateResult r = run(5, 6, 5, 7, 5, 6, 5, 6, 5);
        Verdicts.judge(r, SETTINGS);
        assertTrue(r.sustained, r.verdict);
        assertEquals("sustained", r.verdict);
    }

    /**
     * The 2,000,000 msg/s run the old verdict called stable: flat, but p99 2.7 s and the producers half a
     * second behind their schedule at the median. Each bound alone makes it fall behind.
     */
    @Test
    void flatButSlowOrOffScheduleIsNotSustained() {
        RateResult slow = run(2500, 2500, 2500, 2500, 2500, 2500);
        slow.latency.recordValue(2_700_000);
        Verdicts.judge(slow, SETTINGS);
        assertFalse(slow.sustained);
        assertEquals("falling behind: p99 2,701 ms above --max-p99 2,000 ms", slow.verdict);

        RateResult late = run(20, 20, 20, 20, 20, 20);
        late.latency.recordValue(20_000);
        late.publishDelay.recordValue(500_000);
        Verdicts.judge(late, SETTINGS);
        assertFalse(late.sustained);
        assertEquals("falling behind: producers off their schedule: publish delay p50 500.2 ms above"
                + " --max-publish-delay 50 ms", late.verdict);

        RateResult onTime = run(20, 20, 20, 20, 20, 20);
        onTime.latency.recordValue(1_999_000);
        onTime.publishDelay.recordValue(49_000);
        Verdicts.judge(onTime, SETTINGS);
        assertTrue(onTime.sustained, onTime.verdict);
    }

    @Test
    void noisyButNotGrowingLatencyIsStable() {
        // One bad second in the last third does not move the median.
        RateResult r = run(20, 25, 22, 30, 24, 26, 21, 400, 23);
        Verdicts.judge(r, SETTINGS);
        assertTrue(r.sustained, r.verdict);
    }

    @Test
    void latencyStillGrowingAtTheEndIsFallingBehind() {
        RateResult r = run(20, 40, 80, 160, 320, 640, 1280, 2560, 5120);
        Verdicts.judge(r, SETTINGS);
        assertFalse(r.sustained);
        assertTrue(r.verdict.startsWith("falling behind: latency still growing (interval p50 40.0 ms in the first third"),
                r.verdict);
    }

    @Test
    void aBacklogFromTheStartThatDrainsIsStableButSaysSo() {
        RateResult r = run(2400, 2300, 2200, 1500, 900, 400, 20, 15, 12);
        Verdicts.judge(r, SETTINGS);
        assertTrue(r.sustained, r.verdict);
        assertTrue(r.verdict.startsWith("sustained, after a backlog from the start (interval p50 2300.0 ms in the first"
                + " third, 15.0 ms in the last)"), r.verdict);
    }

    @Test
    void aConsumerThatDidNotCatchUpOrAProducerBelowTheRateIsFallingBehind() {
        RateResult behind = run(5, 5, 5, 5, 5, 5, 5, 5, 5);
        behind.caughtUp = false;
        behind.received = 9_000;
        Verdicts.judge(behind, SETTINGS);
        assertFalse(behind.sustained);
        assertTrue(behind.verdict.contains("consumers had received 9,000 of 10,000 messages after 30 s of drain"),
                behind.verdict);

        RateResult slow = run(5, 5, 5, 5, 5, 5, 5, 5, 5);
        slow.achievedRate = 900;
        Verdicts.judge(slow, SETTINGS);
        assertTrue(slow.verdict.contains("producers sent only 900 msg/s"), slow.verdict);
    }

    @Test
    void lostOrDuplicatedMessagesAreNeverStable() {
        RateResult r = run(5, 5, 5, 5, 5, 5, 5, 5, 5);
        r.gaps = 3;
        Verdicts.judge(r, SETTINGS);
        assertFalse(r.sustained);
        assertTrue(r.verdict.contains("3 missing, 0 duplicated"), r.verdict);
    }

    @Test
    void aFailedDeliveryAuditFailsTheVerdictWhateverTheSpeed() {
        RateResult r = run(5, 5, 5, 5, 5, 5, 5, 5, 5);
        DeliveryAudit audit = new DeliveryAudit(1, 1);
        audit.acknowledged(0, 0, 0); // acknowledged, never in the table
        r.audit = audit.finish();
        Verdicts.judge(r, SETTINGS);
        assertFalse(r.sustained);
        assertEquals("delivery audit failed: 1 acknowledged messages missing from the table", r.verdict);
    }

    @Test
    void withKillsOnlyCatchingUpAndTheAuditCountNotTheRateOrTheCounts() {
        BenchSettings kills = new BenchSettings(SETTINGS.rates(), SETTINGS.seconds(), SETTINGS.warmupSeconds(),
                SETTINGS.drainSeconds(), SETTINGS.drivers(), SETTINGS.client(), 1, 1, false, List.of(), SETTINGS.target(),
                SETTINGS.out(), 0, false, new Chaos(Optional.empty(), 1, 5, 0));
        // Killed producers skip what fell due while they were down; restarted consumers see messages again.
        RateResult r = run(5, 5, 5, 5, 5, 5, 5, 5, 5);
        r.achievedRate = 700;
        r.received = 12_000;
        r.failed = 4;
        DeliveryAudit audit = new DeliveryAudit(1, 1);
        audit.inTable(0, 0, 0);
        audit.acknowledged(0, 0, 0);
        r.audit = audit.finish();
        Verdicts.judge(r, kills);
        assertTrue(r.sustained, r.verdict);
        assertEquals("caught up under kills (audit clean, every worker restart survived; speed not judged)", r.verdict,
                "a p99 of seconds under kills is not called sustained");

        r.caughtUp = false;
        r.workerFailures.add("producer-1 failed: HTTP 500 (injected)");
        Verdicts.judge(r, kills);
        assertEquals("falling behind: consumers had not delivered the table through its end after 30 s of drain; 1 worker"
                + " failures, each restarted (first: producer-1 failed: HTTP 500 (injected))", r.verdict);
    }

    @Test
    void anErrorIsAFailureNotAVerdictOnSpeed() {
        RateResult r = run();
        r.error = "the producer worker ended unexpectedly";
        Verdicts.judge(r, SETTINGS);
        assertFalse(r.sustained);
        assertEquals("failed: the producer worker ended unexpectedly", r.verdict);
    }
}
