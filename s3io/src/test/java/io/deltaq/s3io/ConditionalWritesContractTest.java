package io.deltaq.s3io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.s3io.FaultInjectingStore.Fault;
import io.deltaq.s3io.FaultInjectingStore.Rule;
import io.deltaq.s3io.StoreMetrics.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ConditionalCreate}, {@link Listing} and {@link FaultInjectingStore} over real storage: every
 * legal outcome of create-or-recognise (docs/rfcs/0001-create-or-recognise.md) is produced by a real
 * store with injected faults and checked against what the key holds afterwards.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class ConditionalWritesContractTest {

    private static final RetryPolicy QUICK = RetryPolicy.of(3, 1, 5);

    private ObjectStore real;
    private FaultInjectingStore faults;
    private ConditionalCreate creates;

    protected abstract ObjectStore openStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        real = openStore();
        faults = new FaultInjectingStore(real);
        creates = new ConditionalCreate(faults, QUICK, Duration.ofSeconds(30));
    }

    @AfterEach
    void close() {
        faults.close();
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new CompletionException(e.getCause());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private Optional<byte[]> stored(String key) throws Exception {
        return await(real.get(key));
    }

    @Test
    void aFreeKeyIsCreatedInOneAttempt() throws Exception {
        CreateOutcome outcome = await(creates.create("k", bytes("mine")));
        assertEquals(CreateOutcome.Kind.CREATED, outcome.kind());
        assertEquals(1, outcome.attempts());
        assertArrayEquals(bytes("mine"), stored("k").orElseThrow());
    }

    @Test
    void aKeyHeldByAnotherWriterIsTakenWithItsBytes() throws Exception {
        await(real.putIfAbsent("k", bytes("theirs")));
        CreateOutcome outcome = await(creates.create("k", bytes("mine")));
        assertEquals(CreateOutcome.Kind.TAKEN, outcome.kind());
        assertArrayEquals(bytes("theirs"), outcome.existing());
        assertArrayEquals(bytes("theirs"), stored("k").orElseThrow(), "nothing was overwritten");
    }

    @Test
    void aWriteThatLandedButLostItsAnswerIsRecognisedAsCreated() throws Exception {
        faults.inject(Rule.next(1, Operation.PUT_IF_ABSENT, key -> true, Fault.lostResponse()));
        CreateOutcome outcome = await(creates.create("k", bytes("mine")));
        assertEquals(CreateOutcome.Kind.CREATED, outcome.kind());
        assertEquals(1, outcome.attempts(), "recognised by reading back, not by writing again");
        assertEquals(1L, faults.injected().get(FaultInjectingStore.Kind.LOST_RESPONSE));
    }

    @Test
    void ownBytesAreRecognisedByTheCallersRuleNotOnlyByEquality() throws Exception {
        // An earlier attempt of this writer landed with an older timestamp: same writer, other bytes.
        await(real.putIfAbsent("k", bytes("writer-7 attempt-1")));
        CreateOutcome outcome = await(creates.create("k", bytes("writer-7 attempt-2"),
                existing -> new String(existing, UTF_8).startsWith("writer-7 ")));
        assertEquals(CreateOutcome.Kind.CREATED, outcome.kind());
    }

    @Test
    void anUnavailableStoreBeforeAnyPossibleLandingFailsWithTheStoresException() throws Exception {
        faults.inject(Rule.next(1, Operation.PUT_IF_ABSENT, key -> true, Fault.error(503)));
        assertInstanceOf(StoreUnavailableException.class,
                assertThrows(CompletionException.class, () -> await(creates.create("k", bytes("mine")))).getCause());
        assertTrue(stored("k").isEmpty());
    }

    @Test
    void anUnknownOutcomeWithNothingStoredIsRetriedUntilItLands() throws Exception {
        // The first attempt is lost before reaching storage: an unknown answer, nothing written.
        AmbiguousOnce lost = new AmbiguousOnce(real);
        ConditionalCreate overLost = new ConditionalCreate(lost, QUICK, Duration.ofSeconds(30));
        CreateOutcome outcome = await(overLost.create("k", bytes("mine")));
        assertEquals(CreateOutcome.Kind.CREATED, outcome.kind());
        assertEquals(2, outcome.attempts(), "the read-back found nothing, so the create was sent again");
        assertArrayEquals(bytes("mine"), stored("k").orElseThrow());
    }

    @Test
    void aDelayedAttemptThatLandsAfterTheReadBackFoundNothingIsRecognisedByTheRetry() throws Exception {
        LateLanding late = new LateLanding(real);
        ConditionalCreate overLate = new ConditionalCreate(late, QUICK, Duration.ofSeconds(30));
        CreateOutcome outcome = await(overLate.create("k", bytes("mine")));
        assertTrue(late.landedLate, "the first attempt landed after the read-back");
        assertEquals(CreateOutcome.Kind.CREATED, outcome.kind(), "the retry met its own first attempt: " + outcome);
        assertEquals(2, outcome.attempts());
        assertArrayEquals(bytes("mine"), stored("k").orElseThrow());
    }

    @Test
    void anUnknownOutcomeWhoseReadBackFailsIsReportedUnknownNeverFailed() throws Exception {
        faults.inject(Rule.next(1, Operation.PUT_IF_ABSENT, key -> true, Fault.lostResponse()));
        faults.inject(Rule.next(1, Operation.GET, key -> true, Fault.error(503)));
        CreateOutcome outcome = await(creates.create("k", bytes("mine")));
        assertEquals(CreateOutcome.Kind.UNKNOWN, outcome.kind());
        assertInstanceOf(StoreUnavailableException.class, outcome.cause());
        assertArrayEquals(bytes("mine"), stored("k").orElseThrow(), "it had in fact landed");
    }

    @Test
    void aPutWithoutAnswerWithinTheAttemptTimeoutIsSettledByReadingBack() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        faults.inject(Rule.next(1, Operation.PUT_IF_ABSENT, key -> true, Fault.hold(gate)));
        ConditionalCreate impatient = new ConditionalCreate(faults, QUICK, Duration.ofMillis(200));
        CompletableFuture<CreateOutcome> outcome = impatient.create("k", bytes("mine"));
        // The held attempt lands only after its timeout; the create went on without it.
        CreateOutcome settled = await(outcome);
        gate.complete(null);
        assertEquals(CreateOutcome.Kind.CREATED, settled.kind());
        assertArrayEquals(bytes("mine"), stored("k").orElseThrow());
    }

    @Test
    void aConflictWithAConcurrentConditionalWriteIsRetriedAndCreates() throws Exception {
        // 409 ConditionalRequestConflict: another conditional write of the key was in progress, this one did not land.
        faults.failNext(Operation.PUT_IF_ABSENT, key -> true, Fault.error(409));
        CreateOutcome outcome = await(creates.create("k", bytes("mine")));
        assertEquals(CreateOutcome.Kind.CREATED, outcome.kind());
        assertEquals(2, outcome.attempts(), "the conflict was answered by another attempt");
        assertArrayEquals(bytes("mine"), stored("k").orElseThrow());
    }

    @Test
    void aConflictWhileAnotherWriterWinsIsTakenWithTheirBytes() throws Exception {
        // The other writer's write was in progress at our 409 and has landed by the time we look.
        await(real.putIfAbsent("k", bytes("theirs")));
        faults.failNext(Operation.PUT_IF_ABSENT, key -> true, Fault.error(409));
        CreateOutcome outcome = await(creates.create("k", bytes("mine")));
        assertEquals(CreateOutcome.Kind.TAKEN, outcome.kind());
        assertArrayEquals(bytes("theirs"), outcome.existing());
        assertArrayEquals(bytes("theirs"), stored("k").orElseThrow(), "nothing was overwritten");
    }

    @Test
    void conflictsThatOutlastTheRetryPolicyFailWithTheConflict() throws Exception {
        Rule conflicts = faults.fail(Operation.PUT_IF_ABSENT, key -> true, Fault.error(409));
        Throwable failure = assertThrows(CompletionException.class, () -> await(creates.create("k", bytes("mine")))).getCause();
        assertInstanceOf(ConditionalConflictException.class, failure);
        assertTrue(failure.getMessage().contains("put-if-absent k") && failure.getMessage().contains("3 attempts"),
                failure.getMessage());
        assertTrue(stored("k").isEmpty(), "a conflict never lands");
        faults.remove(conflicts);
    }

    @Test
    void aRuleForADurationHitsEveryCallUntilItEnds() throws Exception {
        await(real.put("k", bytes("v")));
        long start = System.nanoTime();
        faults.failFor(java.util.EnumSet.of(Operation.GET, Operation.LIST), key -> true, Fault.error(503),
                Duration.ofMillis(300));
        assertInstanceOf(StoreUnavailableException.class,
                assertThrows(CompletionException.class, () -> await(faults.get("k"))).getCause());
        assertInstanceOf(StoreUnavailableException.class,
                assertThrows(CompletionException.class, () -> await(faults.list("", null, 10))).getCause());
        Optional<byte[]> read = Optional.empty();
        long deadline = start + TimeUnit.SECONDS.toNanos(10);
        while (read.isEmpty()) {
            assertTrue(System.nanoTime() - deadline < 0, "the rule outlived its duration");
            try {
                read = await(faults.get("k"));
            } catch (CompletionException stillFailing) {
                Thread.onSpinWait();
            }
        }
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300), "calls failed for the whole duration");
        assertArrayEquals(bytes("v"), read.get());
        assertArrayEquals(bytes("v"), await(faults.get("k")).orElseThrow(), "and pass after it");
    }

    @Test
    void accessDeniedFailsAtOnceWithTheStoresException() throws Exception {
        faults.inject(Rule.next(1, Operation.PUT_IF_ABSENT, key -> true, Fault.error(403)));
        Throwable failure = assertThrows(CompletionException.class, () -> await(creates.create("k", bytes("mine")))).getCause();
        assertInstanceOf(StoreAccessDeniedException.class, failure);
        assertTrue(failure.getMessage().contains("put-if-absent k"), failure.getMessage());
    }

    @Test
    void listingWalksEveryPageInOrderAndStopsWhenAsked() throws Exception {
        for (int i = 0; i < 7; i++) {
            await(real.put("dir/" + i, bytes("v")));
        }
        await(real.put("other/x", bytes("v")));
        List<String> all = new ArrayList<>();
        await(Listing.forEach(real, "dir/", null, 2, info -> all.add(info.key())));
        assertEquals(List.of("dir/0", "dir/1", "dir/2", "dir/3", "dir/4", "dir/5", "dir/6"), all);

        List<String> some = new ArrayList<>();
        await(Listing.forEach(real, "dir/", "dir/1", 2, info -> some.add(info.key()) && some.size() < 3));
        assertEquals(List.of("dir/2", "dir/3", "dir/4"), some);
    }

    @Test
    void seededFaultsRepeat() throws Exception {
        List<Boolean> first = failures(42);
        List<Boolean> second = failures(42);
        assertEquals(first, second, "the same seed injects the same faults");
        assertTrue(first.contains(true) && first.contains(false), "a 50% rule hit some calls and spared others");
        assertNotEquals(first, failures(43), "another seed injects others");
    }

    private List<Boolean> failures(long seed) throws Exception {
        List<Boolean> failed = new ArrayList<>();
        try (FaultInjectingStore seeded = new FaultInjectingStore(new Unclosed(real), seed,
                FaultInjectingStore.parseSpec("get:error=503:0.5"))) {
            for (int i = 0; i < 40; i++) {
                try {
                    await(seeded.get("missing"));
                    failed.add(false);
                } catch (CompletionException e) {
                    assertInstanceOf(StoreUnavailableException.class, e.getCause());
                    failed.add(true);
                }
            }
        }
        return failed;
    }

    @Test
    void aSpecNamesTheRuleItCannotParse() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FaultInjectingStore.parseSpec("get:error=503:0.5,puts:reset:0.1"));
        assertTrue(e.getMessage().contains("'puts:reset:0.1'") && e.getMessage().contains("unknown operation 'puts'"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FaultInjectingStore.parseSpec("get:error=200:0.5"));
        assertThrows(IllegalArgumentException.class, () -> FaultInjectingStore.parseSpec("get:reset:1.5"));
        assertEquals(3, FaultInjectingStore.parseSpec("put-if-absent:lost-response:0.01, get+list:error=503:0.02,*:delay=20:0.05").size());
    }

    @Test
    void aDelayedCallStillHappens() throws Exception {
        faults.inject(Rule.next(1, Operation.PUT, key -> true, Fault.delay(Duration.ofMillis(50))));
        long start = System.nanoTime();
        await(faults.put("k", bytes("v")));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50));
        assertArrayEquals(bytes("v"), stored("k").orElseThrow());
    }

    @Test
    void aHeldCallWaitsForItsGate() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        faults.inject(Rule.next(1, Operation.PUT, key -> true, Fault.hold(gate)));
        CompletableFuture<Void> put = faults.put("k", bytes("v"));
        assertThrows(TimeoutException.class, () -> put.get(100, TimeUnit.MILLISECONDS));
        assertFalse(stored("k").isPresent());
        gate.complete(null);
        await(put);
        assertArrayEquals(bytes("v"), stored("k").orElseThrow());
    }

    /** Answers the first conditional create with an unknown outcome without sending it. */
    private static final class AmbiguousOnce extends ForwardingObjectStore {
        private boolean lost;

        AmbiguousOnce(ObjectStore delegate) {
            super(delegate);
        }

        @Override
        public synchronized CompletableFuture<Boolean> putIfAbsent(String key, java.nio.ByteBuffer data) {
            if (!lost) {
                lost = true;
                return CompletableFuture.failedFuture(new AmbiguousWriteException(key, "request lost (test)", null));
            }
            return delegate.putIfAbsent(key, data);
        }

        @Override
        public void close() {
            // the test's store is closed by the test
        }
    }

    /**
     * Holds the first conditional create and answers it "unknown"; once the caller's read-back has
     * found the key empty, lets the held write land, before the caller's retry.
     */
    private static final class LateLanding extends ForwardingObjectStore {
        private CompletableFuture<Void> held;
        private java.nio.ByteBuffer heldData;
        volatile boolean landedLate;

        LateLanding(ObjectStore delegate) {
            super(delegate);
        }

        @Override
        public synchronized CompletableFuture<Boolean> putIfAbsent(String key, java.nio.ByteBuffer data) {
            if (held == null) {
                held = new CompletableFuture<>();
                heldData = data.duplicate();
                return CompletableFuture.failedFuture(new AmbiguousWriteException(key, "answer lost (test)", null));
            }
            return delegate.putIfAbsent(key, data);
        }

        @Override
        public CompletableFuture<Optional<byte[]>> get(String key) {
            return delegate.get(key).thenCompose(found -> {
                synchronized (this) {
                    if (held == null || held.isDone()) {
                        return CompletableFuture.completedFuture(found);
                    }
                    held.complete(null);
                }
                return delegate.putIfAbsent(key, heldData).thenApply(created -> {
                    landedLate = created;
                    return found;
                });
            });
        }

        @Override
        public void close() {
        }
    }

    /** Leaves the wrapped store open when closed. */
    private static final class Unclosed extends ForwardingObjectStore {
        Unclosed(ObjectStore delegate) {
            super(delegate);
        }

        @Override
        public void close() {
        }
    }
}
