package io.deltaq.deltalog;

/**
 * A way for a maintenance commit to have the head of the log stand still for a moment: the writer
 * that shares its process (a producer running its table's maintenance) starts no new commit while a
 * {@link Hold} is open. Without it a maintenance commit races a producer that commits every few
 * milliseconds and, each lost version costing it a round trip more than the producer's, may lose
 * every race (docs/rfcs/0005-maintenance.md, "Maintenance commits and the head").
 *
 * <p>A hold is short (a catch-up and one conditional create) and bounded by the writer, which goes
 * on committing after {@link #MAX_HOLD_MS} whatever the holder does.
 */
@FunctionalInterface
public interface CommitPause {

    /** The longest a writer honours one hold. */
    long MAX_HOLD_MS = 2_000;

    /** No writer to pause: the maintenance commit races whoever commits (a separate maintainer process). */
    CommitPause NONE = () -> () -> { };

    /**
     * Stops the writer starting new commits and waits (briefly) for the commit it has in flight to end.
     *
     * @return the hold; closing it lets the writer go on
     */
    Hold hold();

    /** An open pause; {@link #close()} ends it. */
    interface Hold extends AutoCloseable {
        @Override
        void close();
    }
}
