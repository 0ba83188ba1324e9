package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.internal.parquet.MessageBatch;
import io.deltaq.deltalog.internal.parquet.MessageFileWriter;
import io.deltaq.s3io.LocalObjectStore;
import io.deltaq.s3io.StoreMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Row counts of files without statistics come from the footer, read by range, not by fetching the file. */
class FooterRowCountTest {

    @TempDir
    Path dir;

    private LocalObjectStore store;
    private DeltaTable table;
    private byte[] file;

    @BeforeEach
    void writeFile() {
        store = new LocalObjectStore(dir, 2, false);
        table = DeltaTable.at(store, "t");
        MessageBatch batch = new MessageBatch();
        // Random bytes: Snappy cannot shrink them, so the file is far larger than the tail read.
        byte[] value = new byte[200];
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            random.nextBytes(value);
            batch.append(null, 0, MessageBatch.NULL_LENGTH, value, 0, value.length, i);
        }
        try (MessageFileWriter writer = new MessageFileWriter()) {
            writer.encode(batch);
            file = writer.toByteArray();
        }
        store.put("t/part-0.parquet", file).join();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static LiveFile withoutStats(String path, long size) {
        return new LiveFile(path, new AddFile(path, Map.of(), size, 1, true, null, null, null), 3, true);
    }

    @Test
    void oneRangeReadOfTheTailAndNoWholeFileRead() {
        assertTrue(file.length > 1_000_000, "the file is larger than the tail read: " + file.length);
        assertEquals(10_000, table.rowCount(withoutStats("part-0.parquet", file.length)));
        assertEquals(0, store.metrics().snapshot(StoreMetrics.Operation.GET).requests());
        assertEquals(1, store.metrics().snapshot(StoreMetrics.Operation.GET_RANGE).requests());
    }

    @Test
    void aSizeInTheLogThatIsWrongStillCountsFromTheFile() {
        assertEquals(10_000, table.rowCount(withoutStats("part-0.parquet", file.length + 500_000L)));
        assertEquals(10_000, table.rowCount(withoutStats("part-0.parquet", file.length - 1_000L)));
        assertEquals(10_000, table.rowCount(withoutStats("part-0.parquet", 5)));
    }

    @Test
    void corruptAndMissingFilesAreNamed() {
        store.put("t/bad.parquet", "PAR1 this is not a footer at all".getBytes(StandardCharsets.UTF_8)).join();
        DeltaLogException bad = assertThrows(DeltaLogException.class, () -> table.rowCount(withoutStats("bad.parquet", 33)));
        assertTrue(bad.getMessage().contains("data file 'bad.parquet' (added at or before version 3) cannot be read"),
                bad.getMessage());

        DataFileNotFoundException missing = assertThrows(DataFileNotFoundException.class,
                () -> table.rowCount(withoutStats("gone.parquet", 1_000)));
        assertTrue(missing.getMessage().contains("data file 'gone.parquet' (added at or before version 3) does not exist"),
                missing.getMessage());
    }
}
