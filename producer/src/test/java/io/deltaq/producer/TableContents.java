package io.deltaq.producer;

import io.deltaq.deltalog.Commit;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.Header;
import io.deltaq.deltalog.Headers;
import io.deltaq.deltalog.LiveFile;
import io.deltaq.deltalog.Position;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.internal.parquet.MessageFileReader;
import io.deltaq.s3io.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Reads a whole topic back through the log and the Parquet decoder, for checking what was written. */
final class TableContents {

    /** @param headers the message's headers, empty for none */
    record Row(long version, int index, byte[] key, byte[] value, long timestampMicros, List<Header> headers) {
        Position position() {
            return new Position(version, index);
        }

        String valueString() {
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    private TableContents() {
    }

    /**
     * Every message, walking the commits (not a snapshot, which may come from a checkpoint that does
     * not say which version added each file): the row's position is the version that added it.
     */
    static List<Row> read(ObjectStore store, String tablePath) throws Exception {
        DeltaTable table = DeltaTable.at(store, tablePath);
        long latest = table.latestVersion();
        List<Row> rows = new ArrayList<>();
        Headers headers = new Headers();
        try (MessageFileReader reader = new MessageFileReader()) {
            for (long version = 1; version <= latest; version++) {
                Commit commit = table.readCommit(version).get(60, TimeUnit.SECONDS)
                        .orElseThrow(() -> new AssertionError("a commit is missing from the log"));
                long v = version;
                for (AddFile add : commit.dataAdds()) {
                    LiveFile file = table.dataFile(version, add);
                    byte[] bytes = table.readDataFile(file).get(60, TimeUnit.SECONDS);
                    reader.decode(bytes, file.path(), (rowIndex, keyBuf, keyOff, keyLen, valueBuf, valueOff, valueLen, ts,
                                                       headersBuf, headersOff, headersLen) ->
                            rows.add(new Row(v, rowIndex,
                                    keyLen < 0 ? null : Arrays.copyOfRange(keyBuf, keyOff, keyOff + keyLen),
                                    Arrays.copyOfRange(valueBuf, valueOff, valueOff + valueLen), ts,
                                    headers.wrap(headersBuf, headersOff, headersLen).toList())));
                }
            }
        }
        return rows;
    }
}
