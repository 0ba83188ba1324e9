package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.Action;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.actions.DeletionVector;
import io.deltaq.deltalog.actions.Format;
import io.deltaq.deltalog.actions.Metadata;
import io.deltaq.deltalog.actions.Protocol;
import io.deltaq.deltalog.actions.RemoveFile;
import io.deltaq.deltalog.actions.SetTransaction;
import io.deltaq.deltalog.internal.parquet.ParquetFormatException;
import io.deltaq.deltalog.internal.parquet.ParquetRows;
import io.deltaq.deltalog.internal.parquet.ParquetRowsWriter;
import io.deltaq.deltalog.internal.parquet.ParquetStruct;
import io.deltaq.deltalog.internal.parquet.RowType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Classic V1 checkpoints as Spark writes and Kernel reads them (PROTOCOL.md "Checkpoint Schema"):
 * one row per action, one nullable struct column per action type, of which each row sets one.
 */
final class ParquetCheckpointFormat implements CheckpointFormat {

    private static final Set<String> ACTION_COLUMNS = Set.of("txn", "add", "remove", "metaData", "protocol");

    static final RowType.Struct SCHEMA = schema();

    private final ParquetRowsWriter writer = new ParquetRowsWriter(SCHEMA);

    private static RowType.Struct schema() {
        RowType stringMap = RowType.map(RowType.STRING, RowType.STRING, true);
        RowType stringList = RowType.list(RowType.STRING, true);
        RowType.Struct deletionVector = RowType.struct()
                .field("storageType", RowType.STRING)
                .field("pathOrInlineDv", RowType.STRING)
                .field("offset", RowType.INT)
                .field("sizeInBytes", RowType.INT)
                .field("cardinality", RowType.LONG)
                .field("maxRowIndex", RowType.LONG);
        return RowType.struct()
                .field("txn", RowType.struct()
                        .field("appId", RowType.STRING)
                        .field("version", RowType.LONG)
                        .field("lastUpdated", RowType.LONG))
                .field("add", RowType.struct()
                        .field("path", RowType.STRING)
                        .field("partitionValues", stringMap)
                        .field("size", RowType.LONG)
                        .field("modificationTime", RowType.LONG)
                        .field("dataChange", RowType.BOOLEAN)
                        .field("stats", RowType.STRING)
                        .field("tags", stringMap)
                        .field("deletionVector", deletionVector))
                .field("remove", RowType.struct()
                        .field("path", RowType.STRING)
                        .field("deletionTimestamp", RowType.LONG)
                        .field("dataChange", RowType.BOOLEAN)
                        .field("extendedFileMetadata", RowType.BOOLEAN)
                        .field("partitionValues", stringMap)
                        .field("size", RowType.LONG)
                        .field("deletionVector", deletionVector))
                .field("metaData", RowType.struct()
                        .field("id", RowType.STRING)
                        .field("name", RowType.STRING)
                        .field("description", RowType.STRING)
                        .field("format", RowType.struct()
                                .field("provider", RowType.STRING)
                                .field("options", stringMap))
                        .field("schemaString", RowType.STRING)
                        .field("partitionColumns", stringList)
                        .field("configuration", stringMap)
                        .field("createdTime", RowType.LONG))
                .field("protocol", RowType.struct()
                        .field("minReaderVersion", RowType.INT)
                        .field("minWriterVersion", RowType.INT)
                        .field("readerFeatures", stringList)
                        .field("writerFeatures", stringList));
    }

    /* ------------------------------ reading ------------------------------ */

    @Override
    public void read(String file, long version, byte[] data, Consumer<? super Action> sink) {
        List<ParquetStruct> rows;
        try {
            rows = ParquetRows.read(data, file, ACTION_COLUMNS);
        } catch (ParquetFormatException e) {
            throw DeltaErrors.corruptCheckpoint(file, version, e.getMessage(), e);
        } catch (RuntimeException e) {
            throw DeltaErrors.corruptCheckpoint(file, version, String.valueOf(e), e);
        }
        for (int i = 0; i < rows.size(); i++) {
            ParquetStruct row = rows.get(i);
            try {
                Action action = toAction(row);
                if (action != null) {
                    sink.accept(action);
                }
            } catch (ClassCastException | IllegalArgumentException e) {
                throw DeltaErrors.corruptCheckpoint(file, version, "row " + i + ": " + e.getMessage(), e);
            }
        }
    }

    private static Action toAction(ParquetStruct row) {
        ParquetStruct s;
        if ((s = present(row.getStruct("add"))) != null) {
            String stats = s.getString("stats");
            if (stats == null) {
                stats = statsFromParsed(s.getStruct("stats_parsed"));
            }
            return new AddFile(required(s.getString("path"), "add", "path"),
                    orEmpty(stringMap(s.getMap("partitionValues"))),
                    required(s.getLong("size"), "add", "size"),
                    required(s.getLong("modificationTime"), "add", "modificationTime"),
                    Boolean.TRUE.equals(s.getBoolean("dataChange")), stats, stringMap(s.getMap("tags")),
                    deletionVector(s.getStruct("deletionVector")));
        }
        if ((s = present(row.getStruct("remove"))) != null) {
            return new RemoveFile(required(s.getString("path"), "remove", "path"), s.getLong("deletionTimestamp"),
                    Boolean.TRUE.equals(s.getBoolean("dataChange")), s.getBoolean("extendedFileMetadata"),
                    stringMap(s.getMap("partitionValues")), s.getLong("size"), null, null,
                    deletionVector(s.getStruct("deletionVector")));
        }
        if ((s = present(row.getStruct("metaData"))) != null) {
            ParquetStruct format = s.getStruct("format");
            return new Metadata(required(s.getString("id"), "metaData", "id"), s.getString("name"),
                    s.getString("description"),
                    format == null || format.getString("provider") == null ? Format.PARQUET
                            : new Format(format.getString("provider"), stringMap(format.getMap("options"))),
                    required(s.getString("schemaString"), "metaData", "schemaString"),
                    orEmptyList(stringList(s.getList("partitionColumns"))),
                    orEmpty(stringMap(s.getMap("configuration"))), s.getLong("createdTime"));
        }
        if ((s = present(row.getStruct("protocol"))) != null) {
            return new Protocol(required(s.getInt("minReaderVersion"), "protocol", "minReaderVersion"),
                    required(s.getInt("minWriterVersion"), "protocol", "minWriterVersion"),
                    stringList(s.getList("readerFeatures")), stringList(s.getList("writerFeatures")));
        }
        if ((s = present(row.getStruct("txn"))) != null) {
            return new SetTransaction(required(s.getString("appId"), "txn", "appId"),
                    required(s.getLong("version"), "txn", "version"), s.getLong("lastUpdated"));
        }
        return null; // commitInfo, domainMetadata, ... rows, or a row of another action type
    }

    /** A struct that is null, or whose fields are all null, holds no action. */
    private static ParquetStruct present(ParquetStruct s) {
        if (s == null) {
            return null;
        }
        for (Object v : s.values()) {
            if (v != null) {
                return s;
            }
        }
        return null;
    }

    private static String statsFromParsed(ParquetStruct parsed) {
        if (parsed == null) {
            return null;
        }
        Long n = parsed.getLong("numRecords");
        return n == null ? null : "{\"numRecords\":" + n + "}";
    }

    private static DeletionVector deletionVector(ParquetStruct s) {
        if (present(s) == null) {
            return null;
        }
        Integer offset = s.getInt("offset");
        return new DeletionVector(required(s.getString("storageType"), "deletionVector", "storageType"),
                required(s.getString("pathOrInlineDv"), "deletionVector", "pathOrInlineDv"), offset,
                required(s.getInt("sizeInBytes"), "deletionVector", "sizeInBytes"),
                required(s.getLong("cardinality"), "deletionVector", "cardinality"), s.getLong("maxRowIndex"));
    }

    private static Map<String, String> stringMap(Map<String, Object> map) {
        if (map == null) {
            return null;
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : map.entrySet()) {
            Object v = e.getValue();
            if (v != null && !(v instanceof String)) {
                throw new IllegalArgumentException("map value of '" + e.getKey() + "' is not a string");
            }
            result.put(e.getKey(), (String) v);
        }
        return result;
    }

    private static List<String> stringList(List<Object> list) {
        if (list == null) {
            return null;
        }
        List<String> result = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw new IllegalArgumentException("list element is not a string: " + o);
            }
            result.add(s);
        }
        return result;
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }

    private static List<String> orEmptyList(List<String> list) {
        return list == null ? List.of() : list;
    }

    private static <T> T required(T value, String action, String field) {
        if (value == null) {
            throw new IllegalArgumentException("'" + action + "' row lacks required field '" + field + "'");
        }
        return value;
    }

    /* ------------------------------ writing ------------------------------ */

    @Override
    public byte[] write(List<? extends Action> actions) {
        List<Map<String, Object>> rows = new ArrayList<>(actions.size());
        for (Action a : actions) {
            Map<String, Object> row = new LinkedHashMap<>(2);
            if (a instanceof AddFile add) {
                row.put("add", new ParquetStruct(8)
                        .with("path", add.path())
                        .with("partitionValues", add.partitionValues())
                        .with("size", add.size())
                        .with("modificationTime", add.modificationTime())
                        .with("dataChange", add.dataChange())
                        .with("stats", add.stats())
                        .with("tags", add.tags())
                        .with("deletionVector", dvRow(add.deletionVector())));
            } else if (a instanceof RemoveFile r) {
                row.put("remove", new ParquetStruct(7)
                        .with("path", r.path())
                        .with("deletionTimestamp", r.deletionTimestamp())
                        .with("dataChange", r.dataChange())
                        .with("extendedFileMetadata", r.extendedFileMetadata())
                        .with("partitionValues", r.partitionValues())
                        .with("size", r.size())
                        .with("deletionVector", dvRow(r.deletionVector())));
            } else if (a instanceof Metadata m) {
                row.put("metaData", new ParquetStruct(8)
                        .with("id", m.id())
                        .with("name", m.name())
                        .with("description", m.description())
                        .with("format", new ParquetStruct(2)
                                .with("provider", m.format().provider())
                                .with("options", m.format().options()))
                        .with("schemaString", m.schemaString())
                        .with("partitionColumns", m.partitionColumns())
                        .with("configuration", m.configuration())
                        .with("createdTime", m.createdTime()));
            } else if (a instanceof Protocol p) {
                row.put("protocol", new ParquetStruct(4)
                        .with("minReaderVersion", p.minReaderVersion())
                        .with("minWriterVersion", p.minWriterVersion())
                        .with("readerFeatures", p.readerFeatures())
                        .with("writerFeatures", p.writerFeatures()));
            } else if (a instanceof SetTransaction t) {
                row.put("txn", new ParquetStruct(3)
                        .with("appId", t.appId())
                        .with("version", t.version())
                        .with("lastUpdated", t.lastUpdated()));
            } else {
                continue; // commitInfo and unknown actions are not part of a checkpoint
            }
            rows.add(row);
        }
        return writer.write(rows); // stateless between calls: safe from several threads
    }

    private static ParquetStruct dvRow(DeletionVector dv) {
        if (dv == null) {
            return null;
        }
        return new ParquetStruct(6)
                .with("storageType", dv.storageType())
                .with("pathOrInlineDv", dv.pathOrInlineDv())
                .with("offset", dv.offset())
                .with("sizeInBytes", dv.sizeInBytes())
                .with("cardinality", dv.cardinality())
                .with("maxRowIndex", dv.maxRowIndex());
    }
}
