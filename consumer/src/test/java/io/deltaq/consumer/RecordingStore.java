package io.deltaq.consumer;

import io.deltaq.s3io.ForwardingObjectStore;
import io.deltaq.s3io.ObjectStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every GET (key and time) that goes through it to the store it wraps. */
final class RecordingStore extends ForwardingObjectStore {

    record Get(String key, long nanoTime) {
    }

    final List<Get> gets = new CopyOnWriteArrayList<>();

    RecordingStore(ObjectStore delegate) {
        super(delegate);
    }

    @Override
    public CompletableFuture<Optional<byte[]>> get(String key) {
        gets.add(new Get(key, System.nanoTime()));
        return super.get(key);
    }

    /** GETs of the log's commit files in {@code [fromNs, toNs)}. */
    long commitGetsBetween(long fromNs, long toNs) {
        return gets.stream()
                .filter(g -> g.key().contains("_delta_log/") && g.key().endsWith(".json"))
                .filter(g -> g.nanoTime() >= fromNs && g.nanoTime() < toNs)
                .count();
    }

    /** GETs of keys ending with {@code suffix}. */
    long getsOf(String suffix) {
        return gets.stream().filter(g -> g.key().endsWith(suffix)).count();
    }
}
