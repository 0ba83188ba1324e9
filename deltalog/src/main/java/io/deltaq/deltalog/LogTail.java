package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.Metadata;
import io.deltaq.deltalog.actions.Protocol;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Follows the log version by version: {@link #poll()} GETs {@code _delta_log/<next>.json}; a missing
 * file means nothing new yet. No listing. Every commit that changes the protocol or the metadata is
 * put through the reader gate before it is handed out, so a table that becomes unreadable (e.g.
 * deletion vectors enabled) stops the tail with an {@link UnsupportedTableFeatureException} instead
 * of yielding wrong data.
 *
 * <p>A reader that is behind need not pay one round trip per version: {@link #poll(int)} keeps
 * GETs of the versions after the next one in flight, and hands the commits out in order as they
 * arrive. When the next version turns out missing the GETs read ahead are dropped (they could only
 * be missing too, or racing a writer), so reading ahead costs wasted GETs only at the head. A version
 * whose GET was sent ahead and found nothing is asked again before it is reported missing, since it
 * may have been written after that GET.
 *
 * <p>Single-threaded by contract: call {@link #poll()} again only after its previous future
 * completed. Futures complete on the store's I/O threads.
 */
public final class LogTail {

    private final LogStore io;
    private final AtomicBoolean polling = new AtomicBoolean();
    private volatile long nextVersion;
    private volatile Protocol protocol;
    private volatile Metadata metadata;
    /** GETs of versions nextVersion, nextVersion + 1, ... not yet handed out; touched only by poll. */
    private final ArrayDeque<CompletableFuture<Optional<byte[]>>> fetched = new ArrayDeque<>();
    /** Set by a poll that found its version missing: what was read ahead of it is dropped. */
    private volatile boolean dropFetched;
    /** Whether the first of {@link #fetched} was requested while an earlier version was still unanswered. */
    private boolean readAheadOfHead;
    /** Whether the last poll's version was read ahead, found missing, and asked again. */
    private volatile boolean askedAgain;

    LogTail(LogStore io, long afterVersion, Protocol protocol, Metadata metadata) {
        this.io = io;
        this.nextVersion = afterVersion + 1;
        this.protocol = protocol;
        this.metadata = metadata;
    }

    /** The version the next {@link #poll()} reads. */
    public long nextVersion() {
        return nextVersion;
    }

    /**
     * Whether the last poll's version had been read ahead and found missing, then found when asked
     * again: the reader is at the head of the log, where what it reads ahead is written after it
     * asks, so reading ahead there costs a round trip per version instead of saving one.
     */
    public boolean lastPollReadAheadOfTheHead() {
        return askedAgain;
    }

    public Protocol protocol() {
        return protocol;
    }

    public Metadata metadata() {
        return metadata;
    }

    /**
     * Reads the next version: empty when it does not exist yet; otherwise the commit, and the tail
     * moves past it.
     *
     * @throws IllegalStateException if the previous poll has not completed
     */
    public CompletableFuture<Optional<Commit>> poll() {
        return poll(1);
    }

    /**
     * Reads the next version as {@link #poll()} does, keeping GETs of the {@code window - 1}
     * versions after it in flight too (those already in flight are not requested again), so that
     * the following polls find them fetched.
     *
     * @param window versions to have in flight, the next one included; at least 1
     * @throws IllegalStateException if the previous poll has not completed
     */
    public CompletableFuture<Optional<Commit>> poll(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window " + window + " must be at least 1");
        }
        if (!polling.compareAndSet(false, true)) {
            throw new IllegalStateException("poll() called while the previous poll is in flight");
        }
        long version = nextVersion;
        if (dropFetched) {
            dropFetched = false;
            fetched.clear();
        }
        if (fetched.isEmpty()) {
            readAheadOfHead = false;
        }
        try {
            while (fetched.size() < window) {
                fetched.addLast(io.getBounded(io.commitKey(version + fetched.size())));
            }
        } catch (RuntimeException e) {
            polling.set(false);
            throw e;
        }
        String file = io.display(io.commitKey(version));
        CompletableFuture<Optional<Commit>> result = new CompletableFuture<>();
        CompletableFuture<Optional<byte[]>> head = fetched.pollFirst();
        askedAgain = false;
        if (readAheadOfHead) {
            // This GET was sent ahead, maybe before the version was written: a miss is asked again now.
            head = head.thenCompose(data -> {
                if (data.isPresent()) {
                    return CompletableFuture.completedFuture(data);
                }
                askedAgain = true;
                return io.getBounded(io.commitKey(version));
            });
        }
        readAheadOfHead = !fetched.isEmpty();
        head.whenComplete((data, error) -> {
            try {
                if (error != null) {
                    throw io.failure(error, "reading " + file);
                }
                Optional<Commit> commit = Optional.empty();
                if (data.isPresent()) {
                    Commit c = Commit.parse(version, data.get(), file);
                    Protocol p = c.protocol().orElse(protocol);
                    Metadata m = c.metadata().orElse(metadata);
                    if (p != protocol || m != metadata) {
                        ProtocolGate.checkReadable(io.tableName, p, m);
                        protocol = p;
                        metadata = m;
                    }
                    nextVersion = version + 1;
                    commit = Optional.of(c);
                } else {
                    dropFetched = true;
                }
                polling.set(false);
                result.complete(commit);
            } catch (Throwable t) {
                dropFetched = true;
                polling.set(false);
                result.completeExceptionally(t);
            }
        });
        return result;
    }
}
