package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.deltaq.deltalog.LogFiles.Kind;
import io.deltaq.deltalog.LogFiles.LogFile;
import org.junit.jupiter.api.Test;

class LogFilesTest {

    @Test
    void classifiesLogFilesAndIgnoresTheRest() {
        assertEquals("00000000000000000042.json", LogFiles.commitName(42));
        assertEquals(new LogFile(Kind.COMMIT, 42, 0, 0, "00000000000000000042.json", 5),
                LogFiles.parse("00000000000000000042.json", 5));
        assertEquals(Kind.CLASSIC_CHECKPOINT, LogFiles.parse("00000000000000000010.checkpoint.parquet", 1).kind());
        LogFile part = LogFiles.parse("00000000000000000001.checkpoint.0000000002.0000000003.parquet", 1);
        assertEquals(Kind.MULTIPART_CHECKPOINT, part.kind());
        assertEquals(2, part.part());
        assertEquals(3, part.parts());
        assertEquals(Kind.UUID_CHECKPOINT,
                LogFiles.parse("00000000000000000002.checkpoint.e8fa2696-9728-4e9c-b285-634743fdd4fb.parquet", 1).kind());
        assertEquals(Kind.UUID_CHECKPOINT,
                LogFiles.parse("00000000000000000002.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json", 1).kind());
        for (String ignored : new String[] {
            "00000000000000000001.crc", ".00000000000000000001.json.crc", "_last_checkpoint",
            "00000000000000000001.00000000000000000004.compacted.json", "_commits/00000000000000000001.uuid.json",
            "_sidecars/00000000000000000002.checkpoint.0000000001.0000000002.055454d8.parquet",
            "0000000000000000001.json", "00000000000000000001.json.tmp",
            "00000000000000000001.checkpoint.0000000003.0000000002.parquet",
            "00000000000000000001.checkpoint.0000000000.0000000002.parquet",
        }) {
            assertNull(LogFiles.parse(ignored, 1), ignored);
        }
    }
}
