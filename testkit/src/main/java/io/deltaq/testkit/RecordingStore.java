package io.deltaq.testkit;

import io.deltaq.s3io.ForwardingObjectStore;
import io.deltaq.s3io.ListPage;
import io.deltaq.s3io.ObjectStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

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

    public RecordingStore(ObjectStore delegate) {
        super(delegate);
    }

    @Override
    public CompletableFuture<Optional<byte[]>> get(String key) {
        gets.add(new Get(key, System.nanoTime()));
        return super.get(key);
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

    /** Forgets what was recorded. */
    public void clear() {
        gets.clear();
        listCalls.clear();
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
