package io.deltaq.s3io;

import io.deltaq.s3io.StoreMetrics.Operation;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * An {@link ObjectStore} over S3 or an S3-compatible service (MinIO, Ceph, R2, s3proxy).
 *
 * <p>The requests are sent by {@link S3Requests} ({@link S3ClientKind} chooses how), which retry
 * nothing: this store retries itself, so it knows when a conditional create was attempted more than
 * once and can report {@link AmbiguousWriteException} instead of a misleading "already exists".
 */
public final class S3ObjectStore implements ObjectStore {

    private static final AtomicInteger STORE_IDS = new AtomicInteger();

    private final S3Requests requests;
    private final S3Location location;
    private final S3StoreConfig config;
    private final AwsCredentialsProvider ownedCredentials;
    private final ScheduledThreadPoolExecutor timer;
    private final StoreMetrics metrics = new StoreMetrics();
    private final String description;
    private final AttemptDeadline attemptDeadline;
    private volatile boolean closed;

    public S3ObjectStore(S3Location location, S3StoreConfig config) {
        this.location = location;
        this.config = config;
        this.ownedCredentials = config.credentials() == null ? DefaultCredentialsProvider.builder().build() : null;
        AwsCredentialsProvider credentials = ownedCredentials != null ? ownedCredentials : config.credentials();
        this.requests = config.clientKind() == S3ClientKind.CRT_LEAN ? new LeanS3Requests(config, location.bucket(), credentials)
                : new SdkS3Requests(config, location.bucket(), credentials);
        this.description = location + " (endpoint " + (config.endpoint() != null ? config.endpoint() : "AWS") + ", region "
                + config.region() + ")";
        this.attemptDeadline = config.attemptDeadline();
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "deltaq-s3-timer-" + STORE_IDS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.timer.setRemoveOnCancelPolicy(true);
    }

    @Override
    public CompletableFuture<Boolean> putIfAbsent(String key, ByteBuffer data) {
        ByteBuffer body = data.slice();
        long length = body.remaining();
        CompletableFuture<Boolean> created = execute(Operation.PUT_IF_ABSENT, key, length,
                attempt -> requests.put(location.keyOf(key), body.duplicate(), true),
                (response, failure, attempt) -> {
                    if (failure == null) {
                        return true;
                    }
                    if (S3Failures.status(failure) == 412) {
                        if (attempt.mayHaveLanded) {
                            throw ambiguous(key, "was retried after an attempt whose outcome is unknown and then found the key taken",
                                    failure);
                        }
                        return false;
                    }
                    throw failure;
                });
        if (config.clientKind() != S3ClientKind.CRT) {
            return created;
        }
        // The CRT S3 client retries inside the native layer, unseen, so a 412 may answer its own
        // hidden retry. Only a key holding other bytes proves another writer won.
        return created.thenCompose(won -> won
                ? CompletableFuture.completedFuture(true)
                : get(key).thenApply(existing -> {
                    if (existing.isPresent() && ByteBuffer.wrap(existing.get()).equals(body.duplicate())) {
                        throw ambiguous(key, "found the key taken by identical bytes, possibly by the CRT client's hidden retry", null);
                    }
                    return false;
                }));
    }

    private AmbiguousWriteException ambiguous(String key, String what, Throwable cause) {
        return StoreErrors.ambiguous(key, StoreErrors.request(Operation.PUT_IF_ABSENT, key, description),
                "the write " + what + ", possibly by this writer's own attempt", cause);
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        ByteBuffer body = data.slice();
        long length = body.remaining();
        return execute(Operation.PUT, key, length,
                attempt -> requests.put(location.keyOf(key), body.duplicate(), false),
                (response, failure, attempt) -> {
                    if (failure != null) {
                        throw failure;
                    }
                    return null;
                });
    }

    @Override
    public CompletableFuture<Optional<byte[]>> get(String key) {
        return get(key, Integer.MAX_VALUE);
    }

    @Override
    public CompletableFuture<Optional<byte[]>> get(String key, int maxBytes) {
        String request = StoreErrors.request(Operation.GET, key, description);
        return execute(Operation.GET, key, 0,
                attempt -> requests.get(location.keyOf(key), null, maxBytes, request, attempt::onDownloadLength),
                (response, failure, attempt) -> bytesOrEmpty(response, failure));
    }

    @Override
    public CompletableFuture<Optional<byte[]>> getRange(String key, long offset, int length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length must be non-negative: " + offset + ", " + length);
        }
        if (length == 0) {
            // A zero-length HTTP range cannot be expressed; a one-byte read answers whether the key exists.
            return getRange(key, offset, 1).thenApply(found -> found.map(bytes -> new byte[0]));
        }
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        return execute(Operation.GET_RANGE, key, 0,
                attempt -> requests.get(location.keyOf(key), range, length,
                        StoreErrors.request(Operation.GET_RANGE, key, description), attempt::onDownloadLength),
                (response, failure, attempt) -> {
                    if (failure != null && S3Failures.status(failure) == 416) {
                        // The range starts at or past the end of an existing object.
                        return Optional.of(new byte[0]);
                    }
                    return bytesOrEmpty(response, failure);
                });
    }

    private static Optional<byte[]> bytesOrEmpty(byte[] response, Throwable failure) throws Throwable {
        if (failure == null) {
            return Optional.of(response);
        }
        if (S3Failures.isMissingKey(failure)) {
            return Optional.empty();
        }
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof ObjectTooLargeException tooLarge) {
                throw tooLarge; // decided: the SDK may have wrapped it, and it is not retried
            }
        }
        throw failure;
    }

    @Override
    public CompletableFuture<ListPage> list(String prefix, String startAfter, int maxKeys) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1, was " + maxKeys);
        }
        return execute(Operation.LIST, prefix, 0,
                attempt -> requests.list(location.keyOf(prefix), startAfter == null ? null : location.keyOf(startAfter),
                        Math.min(maxKeys, 1000)),
                (ListPage page, Throwable failure, Attempt attempt) -> {
                    if (failure != null) {
                        throw failure;
                    }
                    List<ObjectInfo> objects = new ArrayList<>(page.objects().size());
                    for (ObjectInfo object : page.objects()) {
                        objects.add(new ObjectInfo(location.relativize(object.key()), object.size()));
                    }
                    return new ListPage(objects, page.truncated());
                });
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        return execute(Operation.DELETE, key, 0,
                attempt -> requests.delete(location.keyOf(key)),
                (response, failure, attempt) -> {
                    if (failure != null && !S3Failures.isMissingKey(failure)) {
                        throw failure;
                    }
                    return null;
                });
    }

    @Override
    public StoreMetrics metrics() {
        return metrics;
    }

    @Override
    public String location() {
        return description;
    }

    public S3Location s3Location() {
        return location;
    }

    public S3StoreConfig config() {
        return config;
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        requests.close();
        if (ownedCredentials instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // Nothing is left to release if the provider fails to close.
            }
        }
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "S3ObjectStore[" + description + "]";
    }

    /** What is known of the attempts of one request so far, and the deadline of the current one. */
    final class Attempt {
        int number;
        /** Whether an earlier attempt failed in a way that leaves its effect unknown. */
        boolean mayHaveLanded;
        private CompletableFuture<?> inFlight;
        private long startNanos;
        private long timeoutNanos;
        private ScheduledFuture<?> deadline;

        synchronized void startDeadline(CompletableFuture<?> call, long start, long timeout) {
            inFlight = call;
            startNanos = start;
            timeoutNanos = timeout;
            deadline = schedule(timeout);
        }

        synchronized void stopDeadline() {
            if (deadline != null) {
                deadline.cancel(false);
            }
        }

        /**
         * A download's length is known once its headers arrive: give the body the time its size
         * needs, as an upload gets from the start. Only ever lengthens the deadline.
         */
        synchronized void onDownloadLength(long bytes) {
            long extended = attemptDeadline.nanosFor(bytes);
            if (extended <= timeoutNanos || deadline == null || !deadline.cancel(false)) {
                return; // no longer, or already fired
            }
            timeoutNanos = extended;
            deadline = schedule(Math.max(0, startNanos + extended - System.nanoTime()));
        }

        private ScheduledFuture<?> schedule(long delayNanos) {
            CompletableFuture<?> call = inFlight;
            long timeout = timeoutNanos;
            try {
                return timer.schedule(() -> {
                    call.completeExceptionally(new AttemptTimeoutException(timeout));
                    call.cancel(true);
                }, delayNanos, TimeUnit.NANOSECONDS);
            } catch (RuntimeException closing) {
                call.completeExceptionally(closing);
                return null;
            }
        }
    }

    /** Turns one attempt's response or failure into the result, or rethrows the failure to classify. */
    @FunctionalInterface
    interface Outcome<R, T> {
        T apply(R response, Throwable failure, Attempt attempt) throws Throwable;
    }

    private <R, T> CompletableFuture<T> execute(Operation op, String key, long bytesOut,
            Function<Attempt, CompletableFuture<R>> request, Outcome<R, T> outcome) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(op, key, bytesOut, request, outcome, new Attempt(), result);
        return result;
    }

    private <R, T> void attempt(Operation op, String key, long bytesOut, Function<Attempt, CompletableFuture<R>> request,
            Outcome<R, T> outcome, Attempt attempt, CompletableFuture<T> result) {
        if (closed) {
            result.completeExceptionally(StoreErrors.closed(op, key, description, null));
            return;
        }
        attempt.number++;
        long start = System.nanoTime();
        CompletableFuture<R> call;
        try {
            call = request.apply(attempt);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<R> inFlight = call;
        attempt.startDeadline(inFlight, start, attemptDeadline.nanosFor(bytesOut));

        inFlight.whenComplete((response, error) -> {
            attempt.stopDeadline();
            try {
                onAttemptDone(op, key, bytesOut, request, outcome, attempt, result, start, response, error);
            } catch (Throwable bug) {
                // Whatever went wrong, the caller must not wait forever.
                result.completeExceptionally(bug);
            }
        });
    }

    private <R, T> void onAttemptDone(Operation op, String key, long bytesOut, Function<Attempt, CompletableFuture<R>> request,
            Outcome<R, T> outcome, Attempt attempt, CompletableFuture<T> result, long start, R response, Throwable error) {
        long latency = System.nanoTime() - start;
        T value;
        try {
            value = outcome.apply(response, error == null ? null : S3Failures.unwrap(error), attempt);
        } catch (Throwable unhandled) {
            metrics.record(op, latency, 0, true, attempt.number > 1);
            Throwable cause = S3Failures.unwrap(unhandled);
            if (cause instanceof ObjectStoreException decided) {
                result.completeExceptionally(decided);
                return;
            }
            attempt.mayHaveLanded |= S3Failures.mayHaveLanded(cause);
            if (S3Failures.isRetryable(cause) && attempt.number < config.retryPolicy().maxAttempts() && !closed) {
                long backoff = config.retryPolicy().backoffNanos(attempt.number + 1);
                try {
                    timer.schedule(() -> attempt(op, key, bytesOut, request, outcome, attempt, result), backoff, TimeUnit.NANOSECONDS);
                } catch (RuntimeException rejected) {
                    result.completeExceptionally(StoreErrors.closed(op, key, description, cause));
                }
            } else {
                result.completeExceptionally(S3Failures.classify(op, key, description, location.bucket(), attempt, cause));
            }
            return;
        }
        metrics.record(op, latency, bytesOut + payloadBytes(value), false, attempt.number > 1);
        result.complete(value);
    }

    private static long payloadBytes(Object value) {
        return value instanceof Optional<?> optional && optional.orElse(null) instanceof byte[] bytes ? bytes.length : 0;
    }
}
