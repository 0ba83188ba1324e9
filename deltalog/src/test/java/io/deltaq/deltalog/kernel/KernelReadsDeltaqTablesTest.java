package io.deltaq.deltalog.kernel;

import static io.deltaq.deltalog.kernel.KernelTables.deltaqAppend;
import static io.deltaq.deltalog.kernel.KernelTables.kernelRead;
import static io.deltaq.deltalog.kernel.KernelTables.messages;
import static io.deltaq.deltalog.kernel.KernelTables.sorted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.deltaq.deltalog.CommitWriter;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.kernel.KernelTables.Message;
import io.deltaq.deltalog.internal.parquet.MessageFileWriter;
import io.deltaq.s3io.LocalObjectStore;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delta Kernel, the reference Java reader, reads tables deltaq wrote (several commits, with and without
 * deltaq's checkpoints) and gets exactly the messages written: keys (null ones too), values, timestamps.
 */
class KernelReadsDeltaqTablesTest {

    private static final String WRITER_ID = "producer-1";

    private final Engine engine = DefaultEngine.create(new Configuration());

    @TempDir
    Path dir;

    private LocalObjectStore store;
    private DeltaTable table;
    private CommitWriter writer;
    private MessageFileWriter encoder;
    private final List<Message> written = new ArrayList<>();
    private final Random random = new Random(20261124);
    private long sequence;

    @BeforeEach
    void createTable() {
        store = new LocalObjectStore(dir, 2, false);
        table = DeltaTable.at(store, "");
        assertTrue(table.createMessageTable().created());
        writer = table.newWriter(WRITER_ID, table.snapshot(), null);
        encoder = new MessageFileWriter();
    }

    @AfterEach
    void close() {
        encoder.close();
        store.close();
    }

    /** Appends one commit of {@code count} messages; returns its version. */
    private long append(int count) {
        List<Message> batch = messages(random, count, 1_750_000_000_000_000L + written.size() * 1_001L, true);
        written.addAll(batch);
        return deltaqAppend(store, writer, encoder, ++sequence, batch);
    }

    private Snapshot kernelSnapshot() {
        return Table.forPath(engine, dir.toString()).getLatestSnapshot(engine);
    }

    @Test
    void severalCommitsWithoutCheckpoint() {
        for (int count : new int[] {1, 250, 40, 1_000}) {
            append(count);
        }
        Snapshot snapshot = kernelSnapshot();
        assertEquals(4, snapshot.getVersion());
        assertEquals(Optional.empty(), snapshot.getLogSegment().getCheckpointVersionOpt());
        assertEquals(sorted(written), sorted(kernelRead(engine, snapshot)));
        assertEquals(Optional.of(4L), snapshot.getLatestTransactionVersion(engine, WRITER_ID),
                "Kernel sees the writer's txn (its idempotence record)");
        assertEquals(1, snapshot.getProtocol().getMinReaderVersion());
        assertEquals(2, snapshot.getProtocol().getMinWriterVersion());
        assertEquals(List.of(), snapshot.getPartitionColumnNames());
        assertEquals(table.snapshot().metadata().id(), snapshot.getMetadata().getId());
    }

    @Test
    void checkpointInTheMiddleThenMoreCommits() {
        append(300);
        append(7);
        assertEquals(2, table.checkpoint(2));
        append(120);
        append(1);
        Snapshot snapshot = kernelSnapshot();
        assertEquals(4, snapshot.getVersion());
        assertEquals(Optional.of(2L), snapshot.getLogSegment().getCheckpointVersionOpt(), "Kernel starts at our checkpoint");
        assertEquals(sorted(written), sorted(kernelRead(engine, snapshot)));
        assertEquals(Optional.of(4L), snapshot.getLatestTransactionVersion(engine, WRITER_ID));
    }

    @Test
    void checkpointAloneWithoutTheCommitsBeforeIt() throws IOException {
        append(64);
        append(500);
        append(3);
        assertEquals(3, table.checkpoint(3));
        append(90);
        // Without commits 0..2, the checkpoint is the only way to version 3's state: Kernel must read
        // deltaq's checkpoint Parquet (protocol, metadata, adds with stats, txn) to get the rows right.
        // (Kernel 4.4 insists on the commit file at the checkpoint's own version, so 3 stays.)
        try (Stream<Path> files = Files.list(dir.resolve("_delta_log"))) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".json") && Long.parseLong(name.substring(0, 20)) < 3) {
                    Files.delete(p);
                }
            }
        }
        Snapshot snapshot = kernelSnapshot();
        assertEquals(4, snapshot.getVersion());
        assertEquals(Optional.of(3L), snapshot.getLogSegment().getCheckpointVersionOpt());
        assertEquals(sorted(written), sorted(kernelRead(engine, snapshot)));
        assertEquals(Optional.of(4L), snapshot.getLatestTransactionVersion(engine, WRITER_ID));
        assertEquals(table.snapshot().metadata().id(), snapshot.getMetadata().getId());
    }

    @Test
    void checkpointAtTheLatestVersion() {
        for (int i = 0; i < 5; i++) {
            append(10 + i * 17);
        }
        assertEquals(5, table.checkpoint(5));
        Snapshot snapshot = kernelSnapshot();
        assertEquals(5, snapshot.getVersion());
        assertEquals(Optional.of(5L), snapshot.getLogSegment().getCheckpointVersionOpt());
        assertEquals(sorted(written), sorted(kernelRead(engine, snapshot)));
        assertEquals(Optional.of(5L), snapshot.getLatestTransactionVersion(engine, WRITER_ID));
    }
}
