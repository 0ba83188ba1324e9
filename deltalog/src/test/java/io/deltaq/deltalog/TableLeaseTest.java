package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.s3io.FaultInjectingStore;
import io.deltaq.s3io.FaultInjectingStore.Fault;
import io.deltaq.s3io.FaultInjectingStore.Rule;
import io.deltaq.s3io.Listing;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.StoreMetrics.Operation;
import io.deltaq.testkit.Conditions;
import io.deltaq.testkit.TestS3;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The maintenance lease (RFC 0005, "Lease") on the local store and on s3proxy, with injected clocks:
 * no test waits for a lease to expire.
 */
class TableLeaseTest {

    static final Duration LEASE = Duration.ofSeconds(30);
    static final Duration SKEW = Duration.ofSeconds(5);
    static final long START_MS = 1_700_000_000_000L;

    @TempDir
    Path dir;

    static ObjectStore open(String kind, Path dir) {
        return kind.equals("local") ? TestS3.local(dir) : TestS3.freshStore("lease");
    }

    static DeltaTable table(ObjectStore store) {
        DeltaTable table = DeltaTable.at(store, "topic");
        table.createMessageTable();
        return table;
    }

    static TableLease lease(DeltaTable table, String holder, AtomicLong wallMs, AtomicLong monoNs) {
        return new TableLease(table, holder, LEASE, SKEW, wallMs::get, monoNs::get);
    }

    /** The epochs present under the lease prefix, ascending. */
    static List<Long> epochs(ObjectStore store, TableLease lease) {
        List<Long> out = new ArrayList<>();
        Listing.forEach(store, "topic/" + TableLease.DIR, null, 100, info -> {
            long epoch = lease.epochOf(info.key());
            if (epoch >= 0) {
                out.add(epoch);
            }
            return true;
        }).join();
        out.sort(null);
        return out;
    }

    @Test
    void aRenewalIsDueBeforeAnyLeaseIsHeldAndAThirdOfTheLeaseAfterEachCreate() {
        try (ObjectStore store = TestS3.local(dir)) {
            AtomicLong wall = new AtomicLong(1_000_000);
            AtomicLong mono = new AtomicLong();
            TableLease lease = lease(table(store), "holder", wall, mono);
            assertTrue(lease.renewalDue(), "not held: taking it is due");
            assertTrue(lease.tryAcquireOrRenew());
            long third = LEASE.toNanos() / 3;
            mono.addAndGet(third - 1);
            assertFalse(lease.renewalDue(), "renewed less than a third of the lease ago");
            mono.addAndGet(1);
            assertTrue(lease.renewalDue(), "a third of the lease passed");
            wall.addAndGet(third / 1_000_000);
            assertTrue(lease.tryAcquireOrRenew());
            assertFalse(lease.renewalDue(), "the renewal starts the next third");
        }
    }

    /**
     * Two fresh candidates find an expired lease and try for it at the same moment, many rounds. Legal
     * outcomes of a round: exactly one acquires; the newest epoch is one above the round's start and
     * is the winner's; the loser saw the winner's lease (it lost the create, or listed after it).
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void twoCandidatesRacingForAnExpiredLeaseExactlyOneAcquires(String kind) throws Exception {
        int rounds = kind.equals("local") ? 40 : 15;
        try (ObjectStore store = open(kind, dir)) {
            DeltaTable table = table(store);
            AtomicLong wall = new AtomicLong(START_MS);
            AtomicLong mono = new AtomicLong();
            TableLease first = lease(table, "first", wall, mono);
            assertTrue(first.tryAcquireOrRenew());
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < rounds; round++) {
                    long before = first.current().orElseThrow().epoch();
                    // Every lease so far has expired, the skew included.
                    wall.addAndGet(LEASE.toMillis() + SKEW.toMillis() + 1);
                    TableLease a = lease(table, "a" + round, wall, mono);
                    TableLease b = lease(table, "b" + round, wall, mono);
                    CountDownLatch go = new CountDownLatch(1);
                    Future<Boolean> fa = pool.submit(() -> {
                        go.await();
                        return a.tryAcquireOrRenew();
                    });
                    Future<Boolean> fb = pool.submit(() -> {
                        go.await();
                        return b.tryAcquireOrRenew();
                    });
                    go.countDown();
                    boolean wonA = fa.get(30, TimeUnit.SECONDS);
                    boolean wonB = fb.get(30, TimeUnit.SECONDS);
                    assertTrue(wonA ^ wonB, "round " + round + ": exactly one acquires, got a=" + wonA + " b=" + wonB);
                    TableLease winner = wonA ? a : b;
                    TableLease loser = wonA ? b : a;
                    TableLease.Lease newest = first.current().orElseThrow();
                    assertEquals(before + 1, newest.epoch(), "round " + round);
                    assertEquals(winner.instance(), newest.instance(), "round " + round);
                    assertEquals(winner.instance(), loser.lastSeen().orElseThrow().instance(), "round " + round);
                    assertTrue(winner.holds());
                    assertFalse(loser.holds());
                    assertEquals(-1, loser.epoch());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** A holder that stops renewing acts until lease - skew by its own clock, and is replaced after expiry + skew, not before. */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void aHolderThatStopsRenewingIsReplacedAfterExpiryPlusSkewNotBefore(String kind) {
        try (ObjectStore store = open(kind, dir)) {
            DeltaTable table = table(store);
            AtomicLong wall = new AtomicLong(START_MS);
            AtomicLong monoA = new AtomicLong(1_000);
            AtomicLong monoB = new AtomicLong(5_000);
            TableLease a = lease(table, "a", wall, monoA);
            TableLease b = lease(table, "b", wall, monoB);
            assertTrue(a.tryAcquireOrRenew());
            assertEquals(1, a.epoch());
            long expiresAt = a.current().orElseThrow().expiresAtMs();
            assertEquals(START_MS + LEASE.toMillis(), expiresAt);

            // A acts while its monotonic clock is within lease - skew of the moment before it sent the create.
            monoA.addAndGet(LEASE.minus(SKEW).toNanos() - 1);
            assertTrue(a.holds());
            monoA.incrementAndGet();
            assertFalse(a.holds(), "the holder stops acting lease - skew after it sent the create");
            assertEquals(-1, a.epoch());

            wall.set(expiresAt);
            assertFalse(b.tryAcquireOrRenew(), "not before expiry");
            wall.set(expiresAt + SKEW.toMillis());
            assertFalse(b.tryAcquireOrRenew(), "not at expiry + skew");
            assertEquals("a", b.lastSeen().orElseThrow().holder());
            wall.set(expiresAt + SKEW.toMillis() + 1);
            assertTrue(b.tryAcquireOrRenew(), "after expiry + skew");
            assertEquals(2, b.epoch());

            // A comes back: it sees B's running lease and does not hold.
            assertFalse(a.tryAcquireOrRenew());
            assertEquals("b", a.lastSeen().orElseThrow().holder());
            assertFalse(a.holds());
            assertTrue(b.holds());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void releaseLetsAnotherAcquireAtOnce(String kind) {
        try (ObjectStore store = open(kind, dir)) {
            DeltaTable table = table(store);
            AtomicLong wall = new AtomicLong(START_MS);
            AtomicLong mono = new AtomicLong();
            TableLease a = lease(table, "a", wall, mono);
            TableLease b = lease(table, "b", wall, mono);
            assertTrue(a.tryAcquireOrRenew());
            assertFalse(b.tryAcquireOrRenew(), "held by a");
            assertTrue(a.release(Duration.ofSeconds(10)));
            assertFalse(a.holds());
            TableLease.Lease released = a.current().orElseThrow();
            assertTrue(released.released());
            assertEquals(2, released.epoch());
            // No clock moved: the release alone frees the lease.
            assertTrue(b.tryAcquireOrRenew());
            assertEquals(3, b.epoch());
            assertFalse(a.release(Duration.ofSeconds(10)), "a no longer holds anything to release");
            assertEquals(b.instance(), b.current().orElseThrow().instance());
        }
    }

    /** Renewing creates the next epoch and deletes those older than the one it replaced. */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void renewalCreatesTheNextEpochAndDeletesOlderOnes(String kind) {
        try (ObjectStore store = open(kind, dir)) {
            DeltaTable table = table(store);
            AtomicLong wall = new AtomicLong(START_MS);
            AtomicLong mono = new AtomicLong();
            TableLease a = lease(table, "a", wall, mono);
            for (int i = 1; i <= 5; i++) {
                wall.addAndGet(1_000);
                mono.addAndGet(TimeUnit.SECONDS.toNanos(1));
                assertTrue(a.tryAcquireOrRenew());
                assertEquals(i, a.epoch());
            }
            // The holder's deletes are best effort and not awaited: the last renewal's may still be in flight.
            Conditions.await(() -> epochs(store, a).equals(List.of(4L, 5L)), "epochs 4 and 5 only");
            assertEquals(wall.get() + LEASE.toMillis(), a.current().orElseThrow().expiresAtMs());
        }
    }

    /** A lease create whose answer was lost is recognised as this instance's by the read-back. */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void aLeaseCreateWhoseResponseWasLostIsRecognisedAsOwn(String kind) {
        try (ObjectStore base = open(kind, dir)) {
            table(base);
            FaultInjectingStore faulty = new FaultInjectingStore(base);
            DeltaTable table = DeltaTable.at(faulty, "topic");
            AtomicLong wall = new AtomicLong(START_MS);
            AtomicLong mono = new AtomicLong();
            TableLease a = lease(table, "a", wall, mono);
            TableLease b = lease(table, "b", wall, mono);
            faulty.failNext(Operation.PUT_IF_ABSENT, key -> key.contains(TableLease.DIR), Fault.lostResponse());
            assertTrue(a.tryAcquireOrRenew(), "the lost answer is settled by reading the lease back");
            assertEquals(1L, faulty.injected().get(FaultInjectingStore.Kind.LOST_RESPONSE));
            assertEquals(1, a.epoch());
            assertFalse(b.tryAcquireOrRenew());
            assertEquals(a.instance(), b.lastSeen().orElseThrow().instance());
        }
    }

    /**
     * A create whose answer was lost and whose read-back failed stays unknown: the call does not
     * claim the lease, and the next call finds its own instance in the newest epoch and goes on
     * after it instead of waiting for it to expire.
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void aCreateThatStayedUnknownIsFoundByTheNextCall(String kind) {
        try (ObjectStore base = open(kind, dir)) {
            table(base);
            FaultInjectingStore faulty = new FaultInjectingStore(base);
            DeltaTable table = DeltaTable.at(faulty, "topic");
            AtomicLong wall = new AtomicLong(START_MS);
            AtomicLong mono = new AtomicLong();
            TableLease a = lease(table, "a", wall, mono);
            faulty.failNext(Operation.PUT_IF_ABSENT, key -> key.contains(TableLease.DIR), Fault.lostResponse());
            Rule readBackFails = faulty.fail(Operation.GET, key -> key.contains(TableLease.DIR), Fault.error(500));
            assertFalse(a.tryAcquireOrRenew(), "unknown: not claimed");
            assertFalse(a.holds());
            faulty.remove(readBackFails);
            TableLease.Lease landed = a.current().orElseThrow();
            assertEquals(1, landed.epoch());
            assertEquals(a.instance(), landed.instance());
            assertTrue(a.tryAcquireOrRenew(), "its own epoch is no obstacle");
            assertEquals(2, a.epoch());
            assertNotEquals(0, a.current().orElseThrow().expiresAtMs());
        }
    }
}
