package io.deltaq.deltalog;

import io.deltaq.s3io.AmbiguousWriteException;
import io.deltaq.s3io.ForwardingObjectStore;
import io.deltaq.s3io.ListPage;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.StoreUnavailableException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * A real store with faults injected into chosen calls, for the failures a healthy local filesystem
 * never produces: a conditional write whose response is lost, a store that is down. Also records
 * listings, to check that the log is never listed in full.
 */
final class FaultInjectingStore extends ForwardingObjectStore {

    /** What to do to the next matching {@code putIfAbsent}. */
    enum PutFault {
        /** Write, then report an unknown outcome (the response was lost). */
        LANDED_BUT_AMBIGUOUS,
        /** Do not write and report an unknown outcome. */
        LOST_AND_AMBIGUOUS,
        /** Do not write and report the store unavailable. */
        UNAVAILABLE
    }

    record ListCall(String prefix, String startAfter) {
    }

    private final AtomicReference<PutFault> nextPutFault = new AtomicReference<>();
    private volatile Predicate<String> putFaultKeys = k -> true;
    private volatile Predicate<String> failingGets = k -> false;
    private volatile Predicate<String> hangingGets = k -> false;
    private volatile CompletableFuture<Void> putGate = CompletableFuture.completedFuture(null);
    final List<ListCall> listCalls = new CopyOnWriteArrayList<>();
    final List<String> getKeys = new CopyOnWriteArrayList<>();

    FaultInjectingStore(ObjectStore delegate) {
        super(delegate);
    }

    /** The next {@code putIfAbsent} of a key matching {@code keys} suffers {@code fault}. */
    void failNextPut(PutFault fault, Predicate<String> keys) {
        putFaultKeys = keys;
        nextPutFault.set(fault);
    }

    /** Holds every {@code putIfAbsent} until the returned future is completed. */
    CompletableFuture<Void> holdPuts() {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        putGate = gate;
        return gate;
    }

    /** GETs of matching keys fail with a store error until reset with {@code k -> false}. */
    void failGets(Predicate<String> keys) {
        failingGets = keys;
    }

    @Override
    public CompletableFuture<Boolean> putIfAbsent(String key, ByteBuffer data) {
        CompletableFuture<Void> gate = putGate;
        if (!gate.isDone()) {
            return gate.thenCompose(ignored -> putIfAbsent(key, data));
        }
        PutFault fault = putFaultKeys.test(key) ? nextPutFault.getAndSet(null) : null;
        if (fault == null) {
            return delegate.putIfAbsent(key, data);
        }
        return switch (fault) {
            case LANDED_BUT_AMBIGUOUS -> delegate.putIfAbsent(key, data).thenCompose(created ->
                    CompletableFuture.failedFuture(new AmbiguousWriteException(key, "response lost (injected)", null)));
            case LOST_AND_AMBIGUOUS -> CompletableFuture.failedFuture(
                    new AmbiguousWriteException(key, "request lost (injected)", null));
            case UNAVAILABLE -> CompletableFuture.failedFuture(
                    new StoreUnavailableException("store down (injected)", null));
        };
    }

    /** GETs of matching keys never complete (a stuck connection). */
    void hangGets(Predicate<String> keys) {
        hangingGets = keys;
    }

    @Override
    public CompletableFuture<Optional<byte[]>> get(String key) {
        getKeys.add(key);
        if (hangingGets.test(key)) {
            return new CompletableFuture<>();
        }
        if (failingGets.test(key)) {
            return CompletableFuture.failedFuture(new StoreUnavailableException("GET failed (injected)", null));
        }
        return delegate.get(key);
    }

    @Override
    public CompletableFuture<ListPage> list(String prefix, String startAfter, int maxKeys) {
        listCalls.add(new ListCall(prefix, startAfter));
        return delegate.list(prefix, startAfter, maxKeys);
    }
}
