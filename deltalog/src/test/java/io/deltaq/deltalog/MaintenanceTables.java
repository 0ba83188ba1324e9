package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.Action;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.actions.CommitInfo;
import io.deltaq.deltalog.actions.Metadata;
import io.deltaq.deltalog.internal.parquet.MessageBatch;
import io.deltaq.deltalog.internal.parquet.MessageFileReader;
import io.deltaq.deltalog.internal.parquet.MessageFileWriter;
import io.deltaq.s3io.CreateOutcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A message table written the way producers write it (real data files, {@link CommitWriter} commits),
 * remembering every row of every version, for maintenance tests; and a clock tests move.
 */
public final class MaintenanceTables {

    /** One row as written: key (null allowed), value, timestamp in µs. */
    public record Row(byte[] key, byte[] value, long timestampMicros) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Row r && Arrays.equals(r.key, key) && Arrays.equals(r.value, value)
                    && r.timestampMicros == timestampMicros;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value) * 31 + Long.hashCode(timestampMicros);
        }

        @Override
        public String toString() {
            return "Row[key=" + (key == null ? "null" : key.length + "B") + ", value=" + value.length + "B, ts="
                    + timestampMicros + "]";
        }
    }

    /** Wall-clock time plus an offset the test moves. */
    public static final class Clock implements LongSupplier {
        private final AtomicLong offset = new AtomicLong();

        @Override
        public long getAsLong() {
            return System.currentTimeMillis() + offset.get();
        }

        public void advance(long ms) {
            offset.addAndGet(ms);
        }
    }

    private final DeltaTable table;
    private final Random random;
    private CommitWriter writer;
    private long sequence;
    /** Rows of each data version, in position order. */
    public final Map<Long, List<Row>> rows = new HashMap<>();

    public MaintenanceTables(DeltaTable table, long seed) {
        this.table = table;
        this.random = new Random(seed);
    }

    /** Commits a change of table properties (as {@code deltaq configure} will), before any writer is open. */
    public static long setProperties(DeltaTable table, Map<String, String> properties) {
        Snapshot s = table.snapshot();
        Map<String, String> configuration = new HashMap<>(s.metadata().configuration());
        configuration.putAll(properties);
        Metadata m = s.metadata();
        Metadata changed = new Metadata(m.id(), m.name(), m.description(), m.format(), m.schemaString(),
                m.partitionColumns(), configuration, m.createdTime());
        List<Action> actions = List.of(new CommitInfo(System.currentTimeMillis(), null, "SET TBLPROPERTIES",
                Map.of(), Boolean.FALSE, null, null), changed);
        LogStore io = table.io();
        long version = s.version() + 1;
        CreateOutcome outcome = io.creates.create(io.commitKey(version), new ActionJson.Writer().write(actions)).join();
        if (outcome.kind() != CreateOutcome.Kind.CREATED) {
            throw new IllegalStateException("version " + version + " not created: " + outcome);
        }
        return version;
    }

    /**
     * Appends one commit of {@code filesRows.length} data files (rows each), with the given
     * {@code add.modificationTime}; returns its version.
     */
    public long append(long modificationTime, int... filesRows) {
        if (writer == null) {
            writer = table.newWriter("producer-1", table.snapshot(), null);
        }
        List<AddFile> adds = new ArrayList<>();
        List<Row> versionRows = new ArrayList<>();
        try (MessageFileWriter encoder = new MessageFileWriter()) {
            for (int n : filesRows) {
                MessageBatch batch = new MessageBatch();
                for (int i = 0; i < n; i++) {
                    byte[] key = random.nextInt(5) == 0 ? null : new byte[random.nextInt(12)];
                    if (key != null) {
                        random.nextBytes(key);
                    }
                    byte[] value = new byte[random.nextInt(200)];
                    random.nextBytes(value);
                    // Timestamps not in row order: compaction must keep rows in position order, not sort them.
                    long ts = 1_750_000_000_000_000L + random.nextInt(1_000_000_000);
                    batch.append(key, 0, key == null ? MessageBatch.NULL_LENGTH : key.length, value, 0, value.length, ts);
                    versionRows.add(new Row(key, value, ts));
                }
                int length = encoder.encode(batch);
                String path = DeltaTable.newDataFilePath(encoder.compression());
                table.writeDataFile(path, encoder.asByteBuffer()).join();
                adds.add(AddFile.ofNewFile(path, length, modificationTime, MessageStats.of(encoder.stats()).toJson()));
            }
        }
        long version = writer.commit(++sequence, adds).join().version();
        rows.put(version, versionRows);
        return version;
    }

    /** Every row of a data file, in file order. */
    public static List<Row> read(DeltaTable table, LiveFile file) {
        byte[] data = table.readDataFile(file).join();
        List<Row> out = new ArrayList<>();
        try (MessageFileReader reader = new MessageFileReader()) {
            reader.decode(data, file.path(), (row, kb, ko, kl, vb, vo, vl, ts, hb, ho, hl) -> out.add(new Row(
                    kl < 0 ? null : Arrays.copyOfRange(kb, ko, ko + kl), Arrays.copyOfRange(vb, vo, vo + vl), ts)));
        }
        return out;
    }
}
