package io.deltaq.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery audit on synthetic records: a clean run passes, and each way of breaking the queue's
 * promise is caught and counted as what it is.
 */
class DeliveryAuditTest {

    @TempDir
    Path dir;

    /** Two producers, 0..9 each, interleaved in the table; all acknowledged. */
    private static DeliveryAudit cleanTable() {
        DeliveryAudit audit = new DeliveryAudit(2, 1);
        for (int s = 0; s < 10; s++) {
            audit.inTable(0, 0, s);
            audit.inTable(0, 1, s);
        }
        audit.offered(0, 0, 9);
        audit.offered(1, 0, 9);
        audit.acknowledged(0, 0, 9);
        audit.acknowledged(1, 0, 9);
        return audit;
    }

    private static void deliverAll(DeliveryAudit audit, int consumer, int from, int to) {
        for (int s = from; s <= to; s++) {
            audit.delivered(consumer, 0, 0, s);
            audit.delivered(consumer, 0, 1, s);
        }
    }

    @Test
    void aCleanRunIsClean() {
        DeliveryAudit audit = cleanTable();
        audit.consumerStarted(0);
        deliverAll(audit, 0, 0, 9);
        audit.reachedEnd(0);
        DeliveryAudit.Result result = audit.finish();
        assertTrue(result.clean(), result.toString());
        assertEquals(20, result.tableMessages());
        assertEquals(20, result.acknowledged());
        assertEquals(20, result.deliveries());
        assertEquals("", result.problems());
    }

    @Test
    void anAcknowledgedMessageMissingFromTheTableIsALoss() {
        DeliveryAudit audit = new DeliveryAudit(1, 1);
        audit.inTable(0, 0, 0);
        audit.inTable(0, 0, 2);
        audit.acknowledged(0, 0, 2);
        DeliveryAudit.Result result = audit.finish();
        assertFalse(result.clean());
        assertEquals(1, result.acknowledgedMissing());
        assertTrue(result.examples().contains("producer 0 seq 1 acknowledged, not in the table"), result.examples().toString());
        assertTrue(result.problems().contains("1 acknowledged messages missing from the table"), result.problems());
    }

    @Test
    void aRedeliveryAfterTheCommittedPositionIsLegalOneBeforeItIsNot() {
        DeliveryAudit audit = cleanTable();
        audit.consumerStarted(0);
        deliverAll(audit, 0, 0, 4);
        audit.committed(0); // position after 0..4 of both producers
        deliverAll(audit, 0, 5, 6); // delivered, not committed, then the worker is killed
        audit.consumerStarted(0);
        deliverAll(audit, 0, 5, 9); // resumes at the committed position: 5 and 6 again, legally
        audit.reachedEnd(0);
        DeliveryAudit.Result legal = audit.finish();
        assertTrue(legal.clean(), legal.toString());
        assertEquals(4, legal.legalRedeliveries());
        assertEquals(0, legal.illegalRedeliveries());

        DeliveryAudit again = cleanTable();
        again.consumerStarted(0);
        deliverAll(again, 0, 0, 4);
        again.committed(0);
        again.consumerStarted(0);
        again.delivered(0, 0, 0, 4); // at or before the committed position: must not come again
        deliverAll(again, 0, 5, 9);
        DeliveryAudit.Result illegal = again.finish();
        assertFalse(illegal.clean());
        assertEquals(1, illegal.illegalRedeliveries());
        // Not an order violation: each incarnation's stream is checked on its own.
        assertEquals(0, illegal.deliveryOrderViolations());
    }

    @Test
    void aMessageDeliveredTwiceByOneIncarnationIsADuplicate() {
        DeliveryAudit audit = cleanTable();
        audit.consumerStarted(0);
        deliverAll(audit, 0, 0, 9);
        audit.delivered(0, 0, 1, 9);
        DeliveryAudit.Result result = audit.finish();
        assertFalse(result.clean());
        assertEquals(1, result.illegalRedeliveries());
    }

    @Test
    void orderViolationsInTheTableAndInADeliveryStreamAreCaught() {
        DeliveryAudit audit = new DeliveryAudit(2, 1);
        audit.inTable(0, 0, 0);
        audit.inTable(0, 0, 2);
        audit.inTable(0, 1, 0); // another producer's messages may interleave in any way
        audit.inTable(0, 0, 1); // but producer 0's 1 after its 2 is out of send order
        audit.acknowledged(0, 0, 2);
        audit.acknowledged(1, 0, 0);
        audit.consumerStarted(0);
        audit.delivered(0, 0, 1, 0);
        audit.delivered(0, 0, 0, 1);
        audit.delivered(0, 0, 0, 0);
        audit.delivered(0, 0, 0, 2);
        DeliveryAudit.Result result = audit.finish();
        assertEquals(1, result.tableOrderViolations());
        assertEquals(1, result.deliveryOrderViolations());
        assertEquals(0, result.acknowledgedMissing());
        assertFalse(result.clean());
    }

    /**
     * Producer 0 sent 0 and 1 to partition 0, then 2 and 3 to partition 1, then 4 to partition 0:
     * read partition by partition, or delivered with the partitions interleaved, its messages are out
     * of its send order across partitions, which is no violation; within a partition it is.
     */
    @Test
    void orderIsCheckedPerPartitionAndProducer() {
        DeliveryAudit audit = new DeliveryAudit(1, 2);
        audit.inTable(1, 0, 2);
        audit.inTable(1, 0, 3);
        audit.inTable(0, 0, 0);
        audit.inTable(0, 0, 1);
        audit.inTable(0, 0, 4);
        audit.acknowledged(0, 0, 4);
        audit.consumerStarted(0);
        audit.delivered(0, 1, 0, 2);
        audit.delivered(0, 0, 0, 0);
        audit.delivered(0, 1, 0, 3);
        audit.delivered(0, 0, 0, 1);
        audit.delivered(0, 0, 0, 4);
        audit.reachedEnd(0);
        DeliveryAudit.Result clean = audit.finish();
        assertTrue(clean.clean(), clean.toString());

        DeliveryAudit swapped = new DeliveryAudit(1, 2);
        swapped.inTable(0, 0, 1);
        swapped.inTable(0, 0, 0); // 0 after 1 in one partition's table
        swapped.inTable(1, 0, 2);
        swapped.acknowledged(0, 0, 2);
        swapped.consumerStarted(0);
        swapped.delivered(0, 1, 0, 2);
        swapped.delivered(0, 0, 0, 1);
        swapped.delivered(0, 0, 0, 0); // and in one partition's deliveries
        swapped.delivered(0, 2, 0, 9); // a partition the topic does not have
        DeliveryAudit.Result result = swapped.finish();
        assertEquals(1, result.tableOrderViolations());
        assertEquals(1, result.deliveryOrderViolations());
        assertEquals(1, result.foreign());
        assertTrue(result.examples().contains("table: partition 0: producer 0 seq 0 after seq 1"),
                result.examples().toString());
        assertFalse(result.clean());
    }

    @Test
    void aMessageReportedFailedMustNotBeInTheTableOneWithItsOutcomeUnknownMay() {
        DeliveryAudit audit = new DeliveryAudit(1, 1);
        for (int s = 0; s < 6; s++) {
            audit.inTable(0, 0, s);
        }
        audit.acknowledged(0, 0, 1);
        audit.failed(0, 2, 3, true, "io.deltaq.producer.CommitOutcomeUnknownException");
        audit.failed(0, 4, 4, false, "io.deltaq.producer.DeliveryTimeoutException");
        audit.failed(0, 6, 7, false, "io.deltaq.producer.DeliveryTimeoutException"); // failed and absent: fine
        audit.acknowledged(0, 5, 5);
        DeliveryAudit.Result result = audit.finish();
        assertEquals(1, result.failedInTable());
        assertEquals(3, result.failed());
        assertEquals(2, result.outcomeUnknown());
        assertEquals(2, result.outcomeUnknownInTable());
        assertEquals(0, result.acknowledgedMissing());
        assertFalse(result.clean());
        assertEquals(java.util.Map.of("failed: io.deltaq.producer.DeliveryTimeoutException", 3L,
                "outcome unknown: io.deltaq.producer.CommitOutcomeUnknownException", 2L), result.failureCauses());
        assertTrue(result.examples().contains("producer 0 seq 4 reported failed, in the table"), result.examples().toString());
    }

    @Test
    void messagesInFlightWhenAProducerWasKilledAreUnresolvedNotLost() {
        DeliveryAudit audit = new DeliveryAudit(1, 1);
        for (int s = 0; s < 8; s++) {
            audit.inTable(0, 0, s); // 5..7 landed, 8 and 9 did not; the kill came before any was acknowledged
        }
        audit.offered(0, 0, 6); // 7 was offered after the last record
        audit.acknowledged(0, 0, 4);
        audit.offered(0, 20, 25); // the restarted producer skipped what fell due while it was down
        audit.inTable(0, 0, 20);
        audit.acknowledged(0, 20, 20);
        audit.failed(0, 21, 25, false, "x");
        DeliveryAudit.Result result = audit.finish();
        assertTrue(result.clean(), result.toString());
        assertEquals(3, result.unresolved()); // 5, 6 offered; 7 in the table, unrecorded
        assertEquals(3, result.unresolvedInTable());
    }

    @Test
    void twiceInTheTableAndNeverDeliveredToAConsumerThatReachedTheEndAreCaught() {
        DeliveryAudit audit = cleanTable();
        audit.inTable(0, 0, 9);
        audit.consumerStarted(0);
        deliverAll(audit, 0, 0, 8);
        audit.consumerStarted(1);
        deliverAll(audit, 1, 0, 8); // consumer 1 did not reach the end: not counted
        audit.reachedEnd(0);
        DeliveryAudit.Result result = audit.finish();
        assertEquals(1, result.tableDuplicates());
        assertEquals(2, result.undelivered());
        assertFalse(result.clean());
    }

    @Test
    void recordsWrittenByTheWorkersReadBackIntoTheAudit() throws IOException {
        try (AuditRecords.ProducerLog log = new AuditRecords.ProducerLog(AuditRecords.producerFile(dir, 0, 0))) {
            log.begin(100); // a restarted pacer's first sequence number
            for (long i = 0; i < 5; i++) {
                log.offered(i);
            }
            log.acknowledged(0);
            log.acknowledged(1);
            log.flush();
            log.acknowledged(2);
            log.failed(3, new IllegalStateException("x"));
            log.failed(4, new CommitOutcomeUnknownException());
        }
        try (AuditRecords.ConsumerLog log = new AuditRecords.ConsumerLog(AuditRecords.consumerFile(dir, 0, 0))) {
            log.delivered(0, 0, 100);
            log.delivered(0, 0, 101);
            log.beforeCommit();
            log.committed();
            log.delivered(0, 0, 102);
        }
        try (AuditRecords.ConsumerLog log = new AuditRecords.ConsumerLog(AuditRecords.consumerFile(dir, 0, 1))) {
            log.delivered(0, 0, 101); // at the committed position's left: an illegal redelivery
            log.delivered(0, 0, 102);
        }
        // A record a kill cut short is ignored.
        Files.write(AuditRecords.consumerFile(dir, 0, 1), new byte[] {0, 0, 0}, java.nio.file.StandardOpenOption.APPEND);
        assertEquals(String.join("\n", "O 100 104", "A 100 101", "A 102 102", "F 103 103 java.lang.IllegalStateException",
                "U 104 104 " + CommitOutcomeUnknownException.class.getName(), ""),
                Files.readString(AuditRecords.producerFile(dir, 0, 0)));

        DeliveryAudit audit = new DeliveryAudit(1, 1);
        for (int s = 100; s <= 102; s++) {
            audit.inTable(0, 0, s);
        }
        AuditRecords.read(dir, audit);
        DeliveryAudit.Result result = audit.finish();
        assertEquals(3, result.acknowledged());
        assertEquals(1, result.failed());
        assertEquals(1, result.outcomeUnknown());
        assertEquals(0, result.acknowledgedMissing());
        assertEquals(5, result.deliveries());
        assertEquals(1, result.illegalRedeliveries());
        assertEquals(1, result.legalRedeliveries());
    }

    @Test
    void anOutcomeUnknownFailureIsRecognisedByNameOrByMethod() {
        assertTrue(AuditRecords.outcomeUnknown(new CommitOutcomeUnknownException()));
        assertTrue(AuditRecords.outcomeUnknown(new Flagged(true)));
        assertFalse(AuditRecords.outcomeUnknown(new Flagged(false)));
        assertFalse(AuditRecords.outcomeUnknown(new IllegalStateException("failed")));
    }

    /** Named as the producer's exception of that meaning may be. */
    private static final class CommitOutcomeUnknownException extends RuntimeException {
    }

    private static final class Flagged extends RuntimeException {
        private final boolean unknown;

        Flagged(boolean unknown) {
            this.unknown = unknown;
        }

        public boolean isOutcomeUnknown() {
            return unknown;
        }
    }

    /**
     * With retention, the acknowledged messages older than a producer's oldest message in the table
     * were expired, not lost; a gap after it is still a loss. Without retention the same gap and
     * prefix are both losses.
     */
    @Test
    void retentionExplainsAMissingPrefixButNeverAGap() {
        for (boolean retention : new boolean[] {true, false}) {
            DeliveryAudit audit = new DeliveryAudit(2, 1, retention, 1);
            for (int s = 4; s < 10; s++) {
                if (s != 7) {
                    audit.inTable(0, 0, s); // 0..3 expired, 7 lost
                }
            }
            audit.offered(0, 0, 9);
            audit.acknowledged(0, 0, 9);
            audit.offered(1, 0, 4);
            audit.acknowledged(1, 0, 4); // all of producer 1 expired
            DeliveryAudit.Result result = audit.finish();
            assertEquals(retention ? 1 : 10, result.acknowledgedMissing(), "retention " + retention);
            assertEquals(retention ? 9 : 0, result.acknowledgedExpired(), "retention " + retention);
            assertFalse(result.clean());
            assertTrue(result.examples().contains("producer 0 seq " + (retention ? 7 : 0)
                    + " acknowledged, not in the table"), result.examples().toString());
        }
    }
}
