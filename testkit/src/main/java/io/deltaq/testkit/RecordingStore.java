package io.deltaq.testkit;

import io.deltaq.s3io.ForwardingObjectStore;
import io.deltaq.s3io.ListPage;
import io.deltaq.s3io.ObjectStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/** Records the GETs (key and time) and the listings that pass through it to the store it wraps. */
public final class RecordingStore extends ForwardingObjectStore {

    /** One GET. */
    public record Get(String key, long nanoTime) {
    }

    /** One listing request. */
    public record ListCall(String prefix, String startAfter) {
    }

    public final List<Get> gets = new CopyOnWriteArrayList<>();
    public final List<ListCall> listCalls = new CopyOnWriteArrayList<>();
    private final AtomicInteger answeredGets = new AtomicInteger();

    public RecordingStore(ObjectStore delegate) {
        super(delegate);
    }

    @Override
    public CompletableFuture<Optional<byte[]>> get(String key) {
        gets.add(new Get(key, System.nanoTime()));
        return super.get(key).whenComplete((found, failure) -> answeredGets.incrementAndGet());
    }

    @Override
    public CompletableFuture<Optional<byte[]>> get(String key, int maxBytes) {
        gets.add(new Get(key, System.nanoTime()));
        return super.get(key, maxBytes).whenComplete((found, failure) -> answeredGets.incrementAndGet());
    }

    /**
     * Waits until {@code count} GETs have been answered (since this store was made), so that a test
     * can change storage only after the reads it raced against are over.
     *
     * @throws AssertionError if they are not answered within {@code timeout}
     */
    public void awaitAnsweredGets(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (answeredGets.get() < count) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(answeredGets.get() + " of " + count + " GETs answered within " + timeout
                        + ": " + getKeys());
            }
            LockSupport.parkNanos(100_000);
        }
    }

    @Override
    public CompletableFuture<ListPage> list(String prefix, String startAfter, int maxKeys) {
        listCalls.add(new ListCall(prefix, startAfter));
        return super.list(prefix, startAfter, maxKeys);
    }

    /** The keys GET so far, in order. */
    public List<String> getKeys() {
        return gets.stream().map(Get::key).toList();
    }

    /** Forgets what was recorded (the count of answered GETs goes on). */
    public void clear() {
        gets.clear();
        listCalls.clear();
    }

    /** GETs answered since this store was made, cleared or not. */
    public int answeredGets() {
        return answeredGets.get();
    }

    /** GETs of the log's commit files in {@code [fromNs, toNs)}. */
    public long commitGetsBetween(long fromNs, long toNs) {
        return gets.stream()
                .filter(g -> g.key().contains("_delta_log/") && g.key().endsWith(".json"))
                .filter(g -> g.nanoTime() >= fromNs && g.nanoTime() < toNs)
                .count();
    }

    /** GETs of keys ending with {@code suffix}. */
    public long getsOf(String suffix) {
        return gets.stream().filter(g -> g.key().endsWith(suffix)).count();
    }
}
