package io.deltaq.s3io;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link ObjectStore} that passes every call to another: extend it and override the calls a
 * decorator changes (fault injection, tracing, rate limiting), the rest keep their contract.
 */
public abstract class ForwardingObjectStore implements ObjectStore {

    protected final ObjectStore delegate;

    protected ForwardingObjectStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public CompletableFuture<Boolean> putIfAbsent(String key, ByteBuffer data) {
        return delegate.putIfAbsent(key, data);
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        return delegate.put(key, data);
    }

    @Override
    public CompletableFuture<Optional<byte[]>> get(String key) {
        return delegate.get(key);
    }

    @Override
    public CompletableFuture<Optional<byte[]>> get(String key, int maxBytes) {
        return delegate.get(key, maxBytes);
    }

    @Override
    public CompletableFuture<Optional<byte[]>> getRange(String key, long offset, int length) {
        return delegate.getRange(key, offset, length);
    }

    @Override
    public CompletableFuture<ListPage> list(String prefix, String startAfter, int maxKeys) {
        return delegate.list(prefix, startAfter, maxKeys);
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        return delegate.delete(key);
    }

    @Override
    public StoreMetrics metrics() {
        return delegate.metrics();
    }

    @Override
    public String location() {
        return delegate.location();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
