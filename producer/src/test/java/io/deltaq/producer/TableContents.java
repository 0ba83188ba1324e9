package io.deltaq.producer;

import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.LiveFile;
import io.deltaq.deltalog.Position;
import io.deltaq.deltalog.internal.parquet.MessageFileReader;
import io.deltaq.s3io.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Reads a whole topic back through the log and the Parquet decoder, for checking what was written. */
final class TableContents {

    record Row(long version, int index, byte[] key, byte[] value, long timestampMicros) {
        Position position() {
            return new Position(version, index);
        }

        String valueString() {
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    private TableContents() {
    }

    static List<Row> read(ObjectStore store, String tablePath) throws Exception {
        DeltaTable table = DeltaTable.at(store, tablePath);
        List<LiveFile> files = new ArrayList<>(table.snapshot().liveFiles());
        files.sort(Comparator.comparingLong(LiveFile::addedInVersion));
        List<Row> rows = new ArrayList<>();
        try (MessageFileReader reader = new MessageFileReader()) {
            for (LiveFile file : files) {
                byte[] bytes = table.readDataFile(file).get(60, TimeUnit.SECONDS);
                long version = file.addedInVersion();
                reader.decode(bytes, file.path(), (rowIndex, keyBuf, keyOff, keyLen, valueBuf, valueOff, valueLen, ts) ->
                        rows.add(new Row(version, rowIndex,
                                keyLen < 0 ? null : Arrays.copyOfRange(keyBuf, keyOff, keyOff + keyLen),
                                Arrays.copyOfRange(valueBuf, valueOff, valueOff + valueLen), ts)));
            }
        }
        return rows;
    }
}
