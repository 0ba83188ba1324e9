package io.deltaq.deltalog.internal.parquet;

/** The classic checkpoint schema Spark writes (PROTOCOL.md "Checkpoint Schema"), expressed with {@link RowType}. */
final class CheckpointRowType {
    private CheckpointRowType() {
    }

    static RowType.Struct deletionVector() {
        return RowType.struct()
                .field("storageType", RowType.STRING)
                .field("pathOrInlineDv", RowType.STRING)
                .field("offset", RowType.INT)
                .field("sizeInBytes", RowType.INT)
                .field("cardinality", RowType.LONG)
                .field("maxRowIndex", RowType.LONG);
    }

    static RowType.Struct actions() {
        RowType stringMap = RowType.map(RowType.STRING, RowType.STRING, true);
        RowType stringList = RowType.list(RowType.STRING, true);
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
                        .field("tags", stringMap)
                        .field("deletionVector", deletionVector())
                        .field("baseRowId", RowType.LONG)
                        .field("defaultRowCommitVersion", RowType.LONG)
                        .field("stats", RowType.STRING))
                .field("remove", RowType.struct()
                        .field("path", RowType.STRING)
                        .field("deletionTimestamp", RowType.LONG)
                        .field("dataChange", RowType.BOOLEAN)
                        .field("extendedFileMetadata", RowType.BOOLEAN)
                        .field("partitionValues", stringMap)
                        .field("size", RowType.LONG)
                        .field("deletionVector", deletionVector())
                        .field("baseRowId", RowType.LONG)
                        .field("defaultRowCommitVersion", RowType.LONG))
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
}
