package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.internal.parquet.MessageBatch;
import io.deltaq.deltalog.internal.parquet.MessageFileReader;
import io.deltaq.deltalog.internal.parquet.MessageFileWriter;
import io.deltaq.s3io.LocalObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Producer side (encode, upload, commit) to consumer side (tail, fetch, decode) through the log. */
class EndToEndTest {

    @TempDir
    Path dir;

    @Test
    void messagesCommittedAreTheMessagesTailed() {
        try (LocalObjectStore store = new LocalObjectStore(dir, 2, false);
             MessageFileWriter encoder = new MessageFileWriter();
             MessageFileReader decoder = new MessageFileReader()) {
            DeltaTable table = DeltaTable.at(store, "topics/orders");
            table.createMessageTable();
            LogTail tail = table.tail(table.snapshot());
            CommitWriter writer = table.newWriter("producer-1", table.snapshot(), null);

            List<String> sent = new ArrayList<>();
            for (int b = 1; b <= 3; b++) {
                MessageBatch batch = new MessageBatch();
                for (int i = 0; i < 5; i++) {
                    String value = "batch " + b + " message " + i;
                    byte[] key = i == 0 ? null : ("k" + i).getBytes(StandardCharsets.UTF_8);
                    byte[] v = value.getBytes(StandardCharsets.UTF_8);
                    batch.append(key, 0, key == null ? MessageBatch.NULL_LENGTH : key.length, v, 0, v.length,
                            1_700_000_000_000_000L + b * 1000L + i);
                    sent.add(value);
                }
                int length = encoder.encode(batch);
                String path = "part-" + UUID.randomUUID() + ".parquet";
                store.put("topics/orders/" + path, encoder.toByteArray()).join();
                MessageStats stats = MessageStats.of(encoder.stats());
                assertEquals(1, stats.nullKeyCount());
                writer.commit(b, List.of(AddFile.ofNewFile(path, length, System.currentTimeMillis(), stats.toJson())))
                        .join();
            }

            List<String> received = new ArrayList<>();
            Optional<Commit> next;
            while ((next = tail.poll().join()).isPresent()) {
                Commit commit = next.get();
                assertEquals(Delivery.GAINS_DATA, commit.delivery());
                for (AddFile add : commit.dataAdds()) {
                    LiveFile file = new LiveFile(add.path(), add, commit.version(), true);
                    byte[] data = table.readDataFile(file).join();
                    decoder.decode(data, add.path(), (row, kb, ko, kl, vb, vo, vl, ts, hb, ho, hl) ->
                            received.add(new String(vb, vo, vl, StandardCharsets.UTF_8)));
                    assertEquals(MessageStats.parse(add.stats()).numRecords(), table.rowCount(
                            new LiveFile(add.path(), new AddFile(add.path(), add.partitionValues(), add.size(),
                                    add.modificationTime(), true, null, null, null), commit.version(), true)),
                            "footer and statistics agree");
                }
            }
            assertEquals(sent, received);
            Snapshot s = table.snapshot();
            assertEquals(15, table.rowCount(s));
            assertTrue(s.numRecordsFromStats().isPresent());
        }
    }
}
