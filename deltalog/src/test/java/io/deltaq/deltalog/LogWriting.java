package io.deltaq.deltalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes hand-made log files into a table directory, for tests of reading odd logs. */
final class LogWriting {

    static final String PROTOCOL = "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}";
    static final String METADATA = "{\"metaData\":{\"id\":\"t1\",\"format\":{\"provider\":\"parquet\",\"options\":{}},"
            + "\"schemaString\":\"" + MessageSchema.SCHEMA_STRING.replace("\"", "\\\"") + "\","
            + "\"partitionColumns\":[],\"configuration\":{},\"createdTime\":1}}";

    private LogWriting() {
    }

    static String add(String path, long records) {
        return "{\"add\":{\"path\":\"" + path + "\",\"partitionValues\":{},\"size\":100,\"modificationTime\":1,"
                + "\"dataChange\":true,\"stats\":\"{\\\"numRecords\\\":" + records + "}\"}}";
    }

    static String remove(String path, boolean dataChange) {
        return "{\"remove\":{\"path\":\"" + path + "\",\"deletionTimestamp\":1,\"dataChange\":" + dataChange + "}}";
    }

    static String txn(String appId, long version) {
        return "{\"txn\":{\"appId\":\"" + appId + "\",\"version\":" + version + "}}";
    }

    /** Writes {@code lines} as the commit of {@code version} under {@code table}. */
    static void commit(Path table, long version, String... lines) {
        write(table.resolve("_delta_log").resolve(LogFiles.commitName(version)), String.join("\n", lines) + "\n");
    }

    static void write(Path file, String content) {
        write(file, content.getBytes(StandardCharsets.UTF_8));
    }

    static void write(Path file, byte[] content) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
