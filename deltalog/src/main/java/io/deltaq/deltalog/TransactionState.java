package io.deltaq.deltalog;

/**
 * The latest {@code txn} of one application (a deltaq writer id) in a snapshot.
 *
 * @param txnVersion the application's version (for deltaq producers: the last committed batch sequence)
 * @param committedAtVersion the table version whose commit holds it, or, when it was read from a
 *     checkpoint, that checkpoint's version (the commit happened at or before it)
 * @param fromCheckpoint whether {@code committedAtVersion} is a checkpoint's version
 */
public record TransactionState(String appId, long txnVersion, long committedAtVersion, boolean fromCheckpoint) {
}
