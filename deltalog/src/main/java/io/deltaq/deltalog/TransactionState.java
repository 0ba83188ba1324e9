package io.deltaq.deltalog;

/**
 * The latest {@code txn} of one application (a deltaq writer id) in a snapshot.
 *
 * @param txnVersion the application's version (for deltaq producers: the last committed batch sequence)
 * @param committedAtVersion the table version whose commit holds it, or, when it was read from a
 *     checkpoint, that checkpoint's version (the commit happened at or before it)
 * @param fromCheckpoint whether {@code committedAtVersion} is a checkpoint's version
 * @param lastUpdated the {@code txn}'s {@code lastUpdated} (epoch ms), or null when it has none: what
 *     {@code delta.setTransactionRetentionDuration} measures
 */
public record TransactionState(String appId, long txnVersion, long committedAtVersion, boolean fromCheckpoint,
                               Long lastUpdated) {

    /** A state without {@code lastUpdated}. */
    public TransactionState(String appId, long txnVersion, long committedAtVersion, boolean fromCheckpoint) {
        this(appId, txnVersion, committedAtVersion, fromCheckpoint, null);
    }
}
