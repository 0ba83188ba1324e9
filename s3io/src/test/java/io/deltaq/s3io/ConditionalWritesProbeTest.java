package io.deltaq.s3io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ConditionalWritesProbe} on real stores, as they are and with the precondition ignored. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class ConditionalWritesProbeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private ObjectStore real;

    protected abstract ObjectStore openStore();

    @BeforeEach
    void open() {
        real = openStore();
    }

    @AfterEach
    void close() {
        real.close();
    }

    /** A store that accepts If-None-Match: * and ignores it, as some S3-compatible servers do. */
    static final class IgnoresPrecondition extends ForwardingObjectStore {
        IgnoresPrecondition(ObjectStore delegate) {
            super(delegate);
        }

        @Override
        public CompletableFuture<Boolean> putIfAbsent(String key, ByteBuffer data) {
            return delegate.put(key, data).thenApply(ignored -> true);
        }
    }

    private List<String> keysUnder(String prefix) throws Exception {
        return real.list(prefix, null, 1000).get(30, TimeUnit.SECONDS).objects().stream().map(ObjectInfo::key).toList();
    }

    @Test
    void aStoreThatHonoursConditionalWritesPassesAndKeepsNoProbe() throws Exception {
        ConditionalWritesProbe.verify(real, new ConditionalCreate(real, RetryPolicy.of(3, 1, 5), TIMEOUT), "t/", TIMEOUT);

        assertEquals(List.of(), keysUnder("t/"), "the probe key is deleted");
    }

    @Test
    void aStoreThatIgnoresIfNoneMatchIsRefusedNamingItAndTheFeature() throws Exception {
        ObjectStore ignoring = new IgnoresPrecondition(real);

        ConditionalWritesUnsupportedException e = assertThrows(ConditionalWritesUnsupportedException.class,
                () -> ConditionalWritesProbe.verify(ignoring, new ConditionalCreate(ignoring, RetryPolicy.of(3, 1, 5), TIMEOUT), "t/", TIMEOUT));

        assertTrue(e.getMessage().contains(real.location()), e.getMessage());
        assertTrue(e.getMessage().contains("conditional writes (If-None-Match: *)"), e.getMessage());
        assertTrue(e.getMessage().contains("t/_deltaq/probe-"), e.getMessage());
        assertEquals(List.of(), keysUnder("t/"), "the probe key is deleted");
    }

    @Test
    void aProbeWhoseRequestsAreLostIsRetriedAndRecognisedNotRefused() throws Exception {
        FaultInjectingStore faults = new FaultInjectingStore(real);
        // The first create's request is lost, then its response; the second create's response too.
        faults.failNext(StoreMetrics.Operation.PUT_IF_ABSENT, k -> true, FaultInjectingStore.Fault.lostRequest());

        ConditionalWritesProbe.verify(faults, new ConditionalCreate(faults, RetryPolicy.of(3, 1, 5), TIMEOUT), "t/",
                TIMEOUT);
        faults.failNext(StoreMetrics.Operation.PUT_IF_ABSENT, k -> true, FaultInjectingStore.Fault.lostResponse());
        ConditionalWritesProbe.verify(faults, new ConditionalCreate(faults, RetryPolicy.of(3, 1, 5), TIMEOUT), "t/",
                TIMEOUT);

        assertEquals(List.of(), keysUnder("t/"), "the probe keys are deleted");
    }
}
