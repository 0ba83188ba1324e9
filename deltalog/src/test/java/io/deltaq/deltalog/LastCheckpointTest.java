package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LastCheckpointTest {

    private static Optional<LastCheckpoint> parse(String s) {
        return LastCheckpoint.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsBothSpellings() {
        assertEquals(Optional.of(new LastCheckpoint(1, 8, 0, 21857, -1, false)),
                parse("{\"size\":8,\"size_in_bytes\":21857,\"version\":1}"));
        assertEquals(Optional.of(new LastCheckpoint(10, 13, 2, 16479, 6, false)),
                parse("{\"version\":10,\"size\":13,\"parts\":2,\"sizeInBytes\":16479,\"numOfAddFiles\":6,"
                        + "\"checkpointSchema\":{\"type\":\"struct\",\"fields\":[]},\"checksum\":\"x\"}"));
        assertTrue(parse("{\"version\":2,\"size\":9,\"v2Checkpoint\":{\"path\":\"p\"}}").get().v2());
    }

    @Test
    void unusableHintsAreEmpty() {
        assertEquals(Optional.empty(), LastCheckpoint.parse(new byte[0]));
        assertEquals(Optional.empty(), LastCheckpoint.parse(null));
        assertEquals(Optional.empty(), parse("   "));
        assertEquals(Optional.empty(), parse("{\"version\":1"));
        assertEquals(Optional.empty(), parse("{\"size\":3}"));
        assertEquals(Optional.empty(), parse("[10]"));
        assertEquals(Optional.empty(), parse("{\"version\":\"10\"}"));
    }

    @Test
    void writesWhatItReads() {
        LastCheckpoint hint = new LastCheckpoint(100, 7, 0, 4096, 5, false);
        assertEquals(Optional.of(hint), LastCheckpoint.parse(hint.toJson()));
        assertEquals("{\"version\":100,\"size\":7,\"sizeInBytes\":4096,\"numOfAddFiles\":5}",
                new String(hint.toJson(), StandardCharsets.UTF_8));
    }
}
