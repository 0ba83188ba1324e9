package io.deltaq.producer;

import io.deltaq.deltalog.CommitResult;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.internal.parquet.Compression;
import io.deltaq.deltalog.internal.parquet.MessageBatch;
import io.deltaq.deltalog.internal.parquet.MessageFileWriter;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * One batch on its way through the commit pipeline: filling, then uploading its data file, then
 * committing. Three are allocated once and reused, so a steady stream allocates no batches.
 */
final class PendingBatch {

    final MessageBatch messages = new MessageBatch();
    final MessageFileWriter writer;
    long[] sequences = new long[1024];
    boolean[] hasFuture = new boolean[1024];
    int futures;

    long firstMessageNs;
    long sealedNs;
    /** Set on the encoder thread before {@link #encoded} completes; read after it. */
    long encodedNs;
    /** Set before {@link #upload} completes (the stamp is the future's last step); read after it. */
    long uploadedNs;
    long batchSequence;
    /** The ring position just after this batch's last message; flush waits for it. */
    long endRingPosition;
    /** The data file's name (its add path), chosen when the batch is sealed. */
    String fileName;
    /** Set on the encoder thread; read only once {@link #encoded} completed. */
    AddFile add;
    CompletableFuture<Void> encoded;
    CompletableFuture<Void> upload;
    CompletableFuture<CommitResult> commit;
    /** When the failed upload or commit may be tried again, 0 when it is not waiting. */
    long retryAtNs;
    int failures;

    PendingBatch(Compression compression) {
        this.writer = new MessageFileWriter(compression);
    }

    int size() {
        return messages.size();
    }

    void addMessageMeta(int index, long sequence, boolean withFuture, long nowNs) {
        if (index == sequences.length) {
            sequences = Arrays.copyOf(sequences, index * 2);
            hasFuture = Arrays.copyOf(hasFuture, index * 2);
        }
        if (index == 0) {
            firstMessageNs = nowNs;
        }
        sequences[index] = sequence;
        hasFuture[index] = withFuture;
        if (withFuture) {
            futures++;
        }
    }

    void reset() {
        messages.clear();
        futures = 0;
        fileName = null;
        add = null;
        encoded = null;
        upload = null;
        commit = null;
        retryAtNs = 0;
        failures = 0;
    }
}
