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
    /** Whether the subclass changes {@link #get(String)} but not the bounded get; then bounded reads go through it. */
    private final boolean overridesGetOnly;

    protected ForwardingObjectStore(ObjectStore delegate) {
        this.delegate = delegate;
        this.overridesGetOnly = declares(getClass(), "get", String.class)
                && !declares(getClass(), "get", String.class, int.class);
    }

    private static boolean declares(Class<?> type, String name, Class<?>... parameters) {
        try {
            return type.getMethod(name, parameters).getDeclaringClass() != ForwardingObjectStore.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
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

    /**
     * Passed to the delegate, which refuses an object over the bound before allocating it; but when the
     * subclass overrides {@link #get(String)} and not this, the read goes through that override and
     * the bound is checked on what it returns, so the decorator's behaviour is never skipped.
     */
    @Override
    public CompletableFuture<Optional<byte[]>> get(String key, int maxBytes) {
        return overridesGetOnly ? ObjectStore.super.get(key, maxBytes) : delegate.get(key, maxBytes);
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
