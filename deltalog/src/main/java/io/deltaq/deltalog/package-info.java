/**
 * The Delta transaction log of a deltaq topic: reading, tailing, appending and checkpointing a Delta
 * table through an {@link io.deltaq.s3io.ObjectStore}.
 *
 * <p>Entry point: {@link io.deltaq.deltalog.DeltaTable}. {@code createMessageTable()} creates version 0
 * (put-if-absent; racing creators agree), {@code snapshot()} replays the newest checkpoint plus the
 * commits after it, {@code tail(snapshot)} follows the log by GETting the next version (a missing file
 * means nothing new; never a listing), {@code newWriter(id, snapshot, executor)} appends batches as
 * blind-append commits with {@code txn {appId: id, version: batch sequence}}.
 *
 * <p>Decisions worth knowing:
 * <ul>
 *   <li>Checkpoint interval: the table's {@code delta.checkpointInterval}; deltaq writes 100 into the
 *       tables it creates and uses 100 when a table sets nothing (see
 *       {@link io.deltaq.deltalog.DeltaLogOptions#DEFAULT_CHECKPOINT_INTERVAL}). Checkpoints are classic
 *       single-file V1 Parquet checkpoints, written by the writer that created a multiple of the
 *       interval, on an executor the caller supplies. Multi-part checkpoints are read; UUID-named v2
 *       checkpoints are refused as feature {@code v2Checkpoint}.
 *   <li>Reader gate: {@link io.deltaq.deltalog.ProtocolGate} lists what is accepted and why.
 *   <li>Delivery: {@link io.deltaq.deltalog.Delivery} states what a consumer delivers from each commit.
 *   <li>Errors: every failure is a {@link io.deltaq.deltalog.DeltaLogException}; the subclasses name
 *       the cases a caller handles differently, and every message names the table, file and version.
 *       Commit failures are classified like Delta Kernel's (retryable × conflict), and an unknown
 *       outcome is {@link io.deltaq.deltalog.CommitStateUnknownException}, never retried blindly.
 * </ul>
 */
package io.deltaq.deltalog;
