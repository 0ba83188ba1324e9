package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.Metadata;
import io.deltaq.deltalog.actions.Protocol;
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
 * <p>Single-threaded by contract: call {@link #poll()} again only after its previous future
 * completed. Futures complete on the store's I/O threads.
 */
public final class LogTail {

    private final LogStore io;
    private final AtomicBoolean polling = new AtomicBoolean();
    private volatile long nextVersion;
    private volatile Protocol protocol;
    private volatile Metadata metadata;

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
        if (!polling.compareAndSet(false, true)) {
            throw new IllegalStateException("poll() called while the previous poll is in flight");
        }
        long version = nextVersion;
        String file = io.display(io.commitKey(version));
        CompletableFuture<Optional<Commit>> result = new CompletableFuture<>();
        io.getBounded(io.commitKey(version)).whenComplete((data, error) -> {
            try {
                if (error != null) {
                    throw io.failure(error, "reading " + file);
                }
                Optional<Commit> commit = Optional.empty();
                if (data.isPresent()) {
                    Commit c = new Commit(version, ActionJson.parseCommit(data.get(), file, version));
                    Protocol p = c.protocol().orElse(protocol);
                    Metadata m = c.metadata().orElse(metadata);
                    if (p != protocol || m != metadata) {
                        ProtocolGate.checkReadable(io.tableName, p, m);
                        protocol = p;
                        metadata = m;
                    }
                    nextVersion = version + 1;
                    commit = Optional.of(c);
                }
                polling.set(false);
                result.complete(commit);
            } catch (Throwable t) {
                polling.set(false);
                result.completeExceptionally(t);
            }
        });
        return result;
    }
}
