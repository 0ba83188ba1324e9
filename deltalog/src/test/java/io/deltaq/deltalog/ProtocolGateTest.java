package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.deltalog.actions.Format;
import io.deltaq.deltalog.actions.Metadata;
import io.deltaq.deltalog.actions.Protocol;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProtocolGateTest {

    private static final Metadata PLAIN = metadata(Map.of());

    private static Metadata metadata(Map<String, String> configuration) {
        return new Metadata("id", null, null, Format.PARQUET, MessageSchema.SCHEMA_STRING, List.of(), configuration, 1L);
    }

    private static void read(Protocol p, Metadata m) {
        ProtocolGate.checkReadable("t", p, m);
    }

    @Test
    void readerVersions() {
        assertDoesNotThrow(() -> read(new Protocol(1, 2, null, null), PLAIN));
        assertDoesNotThrow(() -> read(new Protocol(2, 5, null, null), PLAIN));
        assertDoesNotThrow(() -> read(new Protocol(2, 5, null, null), metadata(Map.of("delta.columnMapping.mode", "none"))));
        UnsupportedTableFeatureException cm = assertThrows(UnsupportedTableFeatureException.class,
                () -> read(new Protocol(2, 5, null, null), metadata(Map.of("delta.columnMapping.mode", "name"))));
        assertEquals(Set.of("columnMapping"), cm.features());
        assertTrue(cm.getMessage().contains("delta.columnMapping.mode = name"));
        assertThrows(UnsupportedTableFeatureException.class, () -> read(new Protocol(0, 2, null, null), PLAIN));
        UnsupportedTableFeatureException v4 = assertThrows(UnsupportedTableFeatureException.class,
                () -> read(new Protocol(4, 7, List.of(), List.of()), PLAIN));
        assertTrue(v4.getMessage().contains("reader version 4"));
    }

    @Test
    void readerFeatures() {
        assertDoesNotThrow(() -> read(new Protocol(3, 7, List.of("vacuumProtocolCheck"), List.of()), PLAIN));
        assertDoesNotThrow(() -> read(new Protocol(3, 7, List.of("columnMapping"), List.of()), PLAIN));
        for (String feature : List.of("deletionVectors", "v2Checkpoint", "timestampNtz", "typeWidening",
                "typeWidening-preview", "variantType", "catalogManaged", "somethingNew")) {
            UnsupportedTableFeatureException e = assertThrows(UnsupportedTableFeatureException.class,
                    () -> read(new Protocol(3, 7, List.of("vacuumProtocolCheck", feature), List.of()), PLAIN));
            assertEquals(Set.of(feature), e.features());
            assertTrue(e.getMessage().contains(feature), e.getMessage());
        }
    }

    @Test
    void writerVersionsAndFeatures() {
        assertDoesNotThrow(() -> ProtocolGate.checkWritable("t", new Protocol(1, 2, null, null), PLAIN));
        assertDoesNotThrow(() -> ProtocolGate.checkWritable("t",
                new Protocol(1, 7, null, List.of("appendOnly", "invariants")), PLAIN));
        for (int v : new int[] {3, 4, 5, 6, 8}) {
            UnsupportedTableFeatureException e = assertThrows(UnsupportedTableFeatureException.class,
                    () -> ProtocolGate.checkWritable("t", new Protocol(1, v, null, null), PLAIN));
            assertTrue(e.getMessage().contains("writer version " + v), e.getMessage());
        }
        UnsupportedTableFeatureException e = assertThrows(UnsupportedTableFeatureException.class,
                () -> ProtocolGate.checkWritable("t", new Protocol(1, 7, null, List.of("rowTracking", "appendOnly")),
                        PLAIN));
        assertEquals(Set.of("rowTracking"), e.features());
    }
}
