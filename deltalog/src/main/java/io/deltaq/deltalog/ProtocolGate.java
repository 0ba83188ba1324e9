package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.Metadata;
import io.deltaq.deltalog.actions.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decides whether deltaq can read or write a table correctly, from its protocol and metadata. A
 * table feature a reader must implement and deltaq does not would make reads silently wrong, so
 * anything not known to be safe is refused, naming the feature or version.
 *
 * <p>Reading:
 * <ul>
 *   <li>reader version 1: accepted;
 *   <li>reader version 2: accepted only without column mapping ({@code delta.columnMapping.mode}
 *       absent or {@code none});
 *   <li>reader version 3: accepted when every reader feature is one of
 *       {@link #SUPPORTED_READER_FEATURES}: {@code vacuumProtocolCheck} (asks nothing of readers),
 *       and {@code columnMapping} with mode {@code none}. Refused, among others:
 *       {@code deletionVectors} (deleted rows would be delivered), {@code v2Checkpoint} (sidecars are
 *       not read), {@code timestampNtz}, {@code typeWidening}, {@code variantType} (data types
 *       deltaq's data reader does not decode), {@code catalogManaged} (commits may exist only in a
 *       catalog, so the log on storage is incomplete);
 *   <li>any other reader version: refused.
 * </ul>
 *
 * <p>Writing additionally needs writer version 1 or 2, or 7 with writer features among
 * {@link #SUPPORTED_WRITER_FEATURES}: deltaq only appends ({@code appendOnly} holds) and its message
 * schema has no invariants, constraints, generated or identity columns, which the schema check
 * enforces. Writer versions 3 to 6 imply requirements deltaq does not implement (CHECK constraints,
 * change data feed, generated and identity columns) and are refused.
 */
final class ProtocolGate {

    /** Reader table features deltaq can honour. */
    static final Set<String> SUPPORTED_READER_FEATURES = Set.of("vacuumProtocolCheck", "columnMapping");

    /** Writer table features deltaq can honour when it appends. */
    static final Set<String> SUPPORTED_WRITER_FEATURES =
            Set.of("appendOnly", "invariants", "vacuumProtocolCheck", "columnMapping");

    static final String COLUMN_MAPPING_MODE = "delta.columnMapping.mode";

    private ProtocolGate() {
    }

    /**
     * @throws UnsupportedTableFeatureException if reading the table needs something deltaq lacks
     */
    static void checkReadable(String table, Protocol protocol, Metadata metadata) {
        int reader = protocol.minReaderVersion();
        if (reader < 1 || reader > 3) {
            throw DeltaErrors.unsupportedReaderVersion(table, reader);
        }
        if (reader == 3) {
            List<String> unsupported = new ArrayList<>();
            for (String f : protocol.readerFeaturesOrEmpty()) {
                if (!SUPPORTED_READER_FEATURES.contains(f)) {
                    unsupported.add(f);
                }
            }
            if (!unsupported.isEmpty()) {
                throw DeltaErrors.unsupportedReaderFeatures(table, unsupported);
            }
        }
        // Column mapping changes which Parquet columns hold which table column; whatever the
        // protocol says, a mode other than none would make reading by names wrong.
        String mode = metadata == null ? null : metadata.property(COLUMN_MAPPING_MODE);
        if (mode != null && !mode.equalsIgnoreCase("none")) {
            throw DeltaErrors.unsupportedColumnMapping(table, mode);
        }
    }

    /**
     * @throws UnsupportedTableFeatureException if appending to the table needs something deltaq lacks
     */
    static void checkWritable(String table, Protocol protocol, Metadata metadata) {
        checkReadable(table, protocol, metadata);
        int writer = protocol.minWriterVersion();
        if (writer == 7) {
            List<String> unsupported = new ArrayList<>();
            for (String f : protocol.writerFeaturesOrEmpty()) {
                if (!SUPPORTED_WRITER_FEATURES.contains(f)) {
                    unsupported.add(f);
                }
            }
            if (!unsupported.isEmpty()) {
                throw DeltaErrors.unsupportedWriterFeatures(table, unsupported);
            }
        } else if (writer < 1 || writer > 2) {
            throw DeltaErrors.unsupportedWriterVersion(table, writer);
        }
    }
}
