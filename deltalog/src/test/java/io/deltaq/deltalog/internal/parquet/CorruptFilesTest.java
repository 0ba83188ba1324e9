package io.deltaq.deltalog.internal.parquet;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Damaged files must fail with ParquetFormatException naming the file, never with a stray runtime exception. */
class CorruptFilesTest {

    @Test
    void flippedBytesAndTruncationsFailCleanly() {
        MessageBatch batch = MessageFileTest.randomBatch(200, 3);
        for (Compression compression : Compression.values()) {
            byte[] file;
            try (MessageFileWriter writer = new MessageFileWriter(compression, 4 * 1024)) {
                writer.encode(batch);
                file = writer.toByteArray();
            }
            Random random = new Random(compression.ordinal());
            MessageRowHandler ignore = (row, kb, ko, kl, vb, vo, vl, ts, hb, ho, hl) -> { };
            int failures = 0;
            try (MessageFileReader reader = new MessageFileReader()) {
                for (int i = 0; i < 1_500; i++) {
                    byte[] damaged = i % 5 == 0
                            ? Arrays.copyOf(file, random.nextInt(file.length))
                            : file.clone();
                    if (i % 5 != 0) {
                        for (int k = 0; k < 1 + random.nextInt(4); k++) {
                            damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
                        }
                    }
                    try {
                        reader.decode(damaged, "damaged.parquet", ignore);
                        ParquetRows.read(damaged, "damaged.parquet", null);
                    } catch (ParquetFormatException e) {
                        failures++;
                        assertTrue(e.getMessage().contains("damaged.parquet"), e.getMessage());
                    } catch (RuntimeException | OutOfMemoryError e) {
                        fail("mutation " + i + " with " + compression + " escaped as " + e, e);
                    }
                }
            }
            assertTrue(failures > 300, "only " + failures + " damaged files were refused");
        }
    }
}
