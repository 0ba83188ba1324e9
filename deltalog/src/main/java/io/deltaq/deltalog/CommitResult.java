package io.deltaq.deltalog;

/**
 * The outcome of {@link CommitWriter#commit}.
 *
 * @param version for {@link Outcome#COMMITTED} the version the commit created; for
 *     {@link Outcome#ALREADY_COMMITTED} the version holding the writer's latest {@code txn}, or -1 when
 *     that is not known (the {@code txn} was read from a checkpoint, which does not record it)
 * @param attempts versions tried (1 when no race was lost), 0 when nothing was tried
 */
public record CommitResult(Outcome outcome, long version, long batchSequence, int attempts) {

    /** What happened to the batch. */
    public enum Outcome {
        /** This call created {@code version}. */
        COMMITTED,
        /**
         * The batch sequence is not newer than the writer's last committed one: the batch was
         * committed before (e.g. by this writer before a restart) and was not committed again.
         */
        ALREADY_COMMITTED
    }
}
