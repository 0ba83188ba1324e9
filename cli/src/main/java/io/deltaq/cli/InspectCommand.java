package io.deltaq.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.deltaq.deltalog.CompactedRange;
import io.deltaq.deltalog.DeltaLogException;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.LiveFile;
import io.deltaq.deltalog.TableLease;
import io.deltaq.deltalog.MaintenanceRun;
import io.deltaq.deltalog.MaintenanceSettings;
import io.deltaq.deltalog.Snapshot;
import io.deltaq.deltalog.TransactionState;
import io.deltaq.deltalog.actions.Metadata;
import io.deltaq.deltalog.actions.Protocol;
import io.deltaq.deltalog.actions.RemoveFile;
import io.deltaq.s3io.Futures;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.ObjectStores;
import io.deltaq.s3io.S3ObjectStore;

/**
 * {@code deltaq inspect TABLE [--json]}: reads the latest snapshot of any Delta table deltaq can
 * read (not only message tables) and prints what it holds. A table it cannot read ends with exit
 * status 1 and one line on stderr naming the reason.
 */
final class InspectCommand implements Command {

    private static final JsonFactory JSON = new JsonFactory();
    /** Most commits --commits lists: each is one GET. */
    private static final long MAX_COMMITS = 10_000;

    private final Map<String, String> env;

    InspectCommand() {
        this(System.getenv());
    }

    /** @param env where S3 settings come from, like the process environment */
    InspectCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public String name() {
        return "inspect";
    }

    @Override
    public String summary() {
        return "print a Delta table's version, protocol, schema, files, records, txns and maintenance";
    }

    @Override
    public String description() {
        return """
                Reads the latest snapshot of the Delta table at TABLE (a directory, a file:// URI or
                s3://bucket/prefix) and prints its version, protocol, metadata id, schema, partition
                columns, configuration, number of live files and records, the latest txn version of
                each application id and the checkpoint the snapshot was read from. Records come from
                the files' statistics, or from their Parquet footers for files without statistics.
                A maintenance section follows: each retention and compaction setting in effect and
                whether it is the table's property or the default; live data files and removed files
                still tracked as tombstones (count, bytes); the log start version (the oldest version
                whose messages can still be read), the version compacted through and the oldest
                version still in the log; the maintenance lease (holder, epoch, expiry) or none; the
                last maintenance run (from _deltaq/maintenance/last-run.json) or never; and the
                newest checkpoint's version and size. --commits N then lists the newest N commits
                as a table (version, time, data files added and removed, records added, operation,
                writer: the txn's application id, else commitInfo's engineInfo); "commits" in --json.
                S3 settings come from the standard AWS environment variables (AWS_ENDPOINT_URL,
                AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ...); --endpoint and --region
                override them. --json prints one JSON object on one line instead (readerFeatures and
                writerFeatures are [] when the protocol lists none; checkpointVersion is null when the
                snapshot was read from commits alone; the maintenance object has settings, liveFiles,
                removedFiles, logStartVersion, compactedThroughVersion, oldestVersionInLog, lease,
                lastRun and newestCheckpoint, null where there is none). A table that cannot be read
                exits with status 1 and one line on stderr naming the reason.""";
    }

    @Override
    public OptionParser options() {
        return TableAddress.declare(new OptionParser("deltaq inspect")
                        .flag("json", "print one JSON object instead of text")
                        .value("commits", "N", "also list the newest N commits: version, time, files added and"
                                + " removed, records, operation and writer"))
                .positionals("TABLE", 1, 1);
    }

    @Override
    public int run(ParsedOptions options, CommandIo io) throws UsageException {
        String address = options.positionals().get(0);
        int commits = (int) options.longValue("commits", 0, 1, MAX_COMMITS);
        Report report;
        try (ObjectStore store = openExisting(address, "no Delta table here", options, options(), env)) {
            report = Report.read(DeltaTable.at(store, ""), displayName(store), System.currentTimeMillis(), commits);
        } catch (UsageException e) {
            throw e;
        } catch (RuntimeException e) {
            io.err().println("deltaq inspect: " + oneLine(e));
            return FAILED;
        }
        if (options.flag("json")) {
            io.out().println(report.toJson());
        } else {
            report.printText(io.out());
        }
        return OK;
    }

    /**
     * The store rooted at {@code address}, for a command that reads what is there. A local directory
     * that does not exist is refused here, because the local store would create it; the message is
     * the directory and {@code nothingHere}, e.g. {@code "no Delta table here"}.
     *
     * @param parser the command's options, for wording usage errors
     * @throws DeltaLogException for a local directory that does not exist
     * @throws UsageException for an address or an S3 option that cannot work
     */
    static ObjectStore openExisting(String address, String nothingHere, ParsedOptions options, OptionParser parser,
                                    Map<String, String> env) throws UsageException {
        if (!address.isBlank() && !ObjectStores.isS3(address)) {
            Path dir;
            try {
                dir = ObjectStores.localPath(address);
            } catch (IllegalArgumentException e) {
                throw parser.error("TABLE: " + e.getMessage());
            }
            if (!Files.isDirectory(dir)) {
                if (options.has(TableAddress.ENDPOINT) || options.has(TableAddress.REGION)) {
                    return TableAddress.open(address, options, parser, env); // refuses the S3 options by name
                }
                throw new DeltaLogException(dir.toAbsolutePath().normalize() + ": " + nothingHere + " ("
                        + (Files.exists(dir) ? "not a directory" : "no such directory") + ")");
            }
        }
        return TableAddress.open(address, options, parser, env);
    }

    /** The table's address without the store's connection details: {@code s3://bucket/prefix} or a file URI. */
    static String displayName(ObjectStore store) {
        return store instanceof S3ObjectStore s3 ? s3.s3Location().toString() : store.location();
    }

    /**
     * The failure as one line: its message (library messages name the table, file and version) and,
     * for failures from outside the Delta library, the messages of its causes.
     */
    static String oneLine(Throwable e) {
        StringBuilder text = new StringBuilder(e.getMessage() != null ? e.getMessage() : e.toString());
        if (!(e instanceof DeltaLogException)) {
            Throwable cause = e.getCause();
            for (int depth = 0; cause != null && depth < 8; depth++, cause = cause.getCause()) {
                String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
                if (!text.toString().contains(message)) {
                    text.append(": ").append(message);
                }
            }
        }
        return text.toString().replaceAll("\\s*\\R\\s*", " ").strip();
    }

    /** What inspect prints, read from one snapshot. */
    record Report(String table, long version, OptionalLong checkpointVersion, Protocol protocol, Metadata metadata,
                  Object schema, int numFiles, long sizeInBytes, long numRecords, int filesCountedFromFooters,
                  Map<String, Long> txns, MaintenanceView maintenance, List<RecentCommits.Row> commits) {

        /**
         * @param nowMs the wall clock, for the lease's expiry
         * @param commits how many of the newest commits to list; 0: none, and no {@code commits} field
         */
        static Report read(DeltaTable table, String tableName, long nowMs, int commits) {
            Snapshot snapshot = table.snapshot();
            Metadata metadata = snapshot.metadata();
            Object schema;
            try {
                schema = parseJson(metadata.schemaString());
            } catch (IOException | RuntimeException e) {
                throw new DeltaLogException(table.location() + ": the schemaString of the table's metadata (version "
                        + snapshot.version() + " or before) is not valid JSON: " + oneLine(e), e);
            }
            int fromFooters = 0;
            for (LiveFile file : snapshot.liveFiles()) {
                if (file.numRecordsFromStats() < 0) {
                    fromFooters++;
                }
            }
            long numRecords = table.rowCount(snapshot);
            Map<String, Long> txns = new TreeMap<>();
            for (TransactionState txn : snapshot.transactions().values()) {
                txns.put(txn.appId(), txn.txnVersion());
            }
            return new Report(tableName, snapshot.version(), snapshot.checkpointVersion(),
                    snapshot.protocol(), metadata, schema, snapshot.liveFiles().size(), snapshot.sizeInBytes(),
                    numRecords, fromFooters, txns, MaintenanceView.read(table, snapshot, nowMs),
                    commits == 0 ? null : RecentCommits.read(table, snapshot.version(), commits));
        }

        String toJson() {
            StringWriter text = new StringWriter(1024);
            try (JsonGenerator g = JSON.createGenerator(text)) {
                g.writeStartObject();
                g.writeStringField("table", table);
                g.writeNumberField("version", version);
                g.writeFieldName("checkpointVersion");
                if (checkpointVersion.isPresent()) {
                    g.writeNumber(checkpointVersion.getAsLong());
                } else {
                    g.writeNull();
                }
                g.writeObjectFieldStart("protocol");
                g.writeNumberField("minReaderVersion", protocol.minReaderVersion());
                g.writeNumberField("minWriterVersion", protocol.minWriterVersion());
                writeStrings(g, "readerFeatures", protocol.readerFeaturesOrEmpty());
                writeStrings(g, "writerFeatures", protocol.writerFeaturesOrEmpty());
                g.writeEndObject();
                g.writeStringField("metadataId", metadata.id());
                if (metadata.name() != null) {
                    g.writeStringField("name", metadata.name());
                }
                if (metadata.description() != null) {
                    g.writeStringField("description", metadata.description());
                }
                if (metadata.createdTime() != null) {
                    g.writeNumberField("createdTime", metadata.createdTime());
                }
                g.writeFieldName("schema");
                writeTree(g, schema);
                writeStrings(g, "partitionColumns", metadata.partitionColumns());
                g.writeObjectFieldStart("configuration");
                for (Map.Entry<String, String> e : new TreeMap<>(metadata.configuration()).entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
                g.writeNumberField("numFiles", numFiles);
                g.writeNumberField("sizeInBytes", sizeInBytes);
                g.writeNumberField("numRecords", numRecords);
                g.writeNumberField("filesCountedFromFooters", filesCountedFromFooters);
                g.writeObjectFieldStart("txns");
                for (Map.Entry<String, Long> e : txns.entrySet()) {
                    g.writeNumberField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
                g.writeFieldName("maintenance");
                maintenance.writeJson(g);
                if (commits != null) {
                    RecentCommits.writeJson(g, commits);
                }
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a StringWriter does not fail
            }
            return text.toString();
        }

        void printText(PrintStream out) {
            List<String[]> rows = new ArrayList<>();
            rows.add(row("table", table));
            rows.add(row("version", Long.toString(version)));
            rows.add(row("checkpoint", checkpointVersion.isPresent()
                    ? "version " + checkpointVersion.getAsLong() : "none (read from commits)"));
            rows.add(row("protocol", "reader version " + protocol.minReaderVersion() + ", writer version "
                    + protocol.minWriterVersion()));
            if (protocol.readerFeatures() != null) {
                rows.add(row("reader features", listOrNone(protocol.readerFeatures())));
            }
            if (protocol.writerFeatures() != null) {
                rows.add(row("writer features", listOrNone(protocol.writerFeatures())));
            }
            rows.add(row("metadata id", metadata.id()));
            if (metadata.name() != null) {
                rows.add(row("name", metadata.name()));
            }
            if (metadata.description() != null) {
                rows.add(row("description", metadata.description()));
            }
            if (metadata.createdTime() != null) {
                rows.add(row("created", Instant.ofEpochMilli(metadata.createdTime()).toString()));
            }
            rows.add(row("partition columns", listOrNone(metadata.partitionColumns())));
            rows.add(row("configuration", metadata.configuration().isEmpty() ? "none" : ""));
            for (Map.Entry<String, String> e : new TreeMap<>(metadata.configuration()).entrySet()) {
                rows.add(row("  " + e.getKey(), e.getValue()));
            }
            rows.add(row("files", numFiles + " (" + sizeInBytes + " bytes)"));
            rows.add(row("records", numRecords + (numFiles == 0 ? ""
                    : filesCountedFromFooters == 0 ? " (from statistics)"
                    : filesCountedFromFooters == numFiles ? " (from Parquet footers)"
                    : " (from statistics; Parquet footers for " + filesCountedFromFooters + " files without)")));
            rows.add(row("txns", txns.isEmpty() ? "none" : ""));
            for (Map.Entry<String, Long> e : txns.entrySet()) {
                rows.add(row("  " + e.getKey(), Long.toString(e.getValue())));
            }
            printAligned(out, rows);
            out.println("schema:");
            for (String line : SchemaText.columns(schema)) {
                out.println("  " + line);
            }
            out.println("maintenance:");
            printAligned(out, maintenance.textRows());
            if (commits != null) {
                out.println("commits (newest first):");
                RecentCommits.printText(out, commits);
            }
        }

        private static String[] row(String label, String value) {
            return new String[] {label, value};
        }

        /** {@code label: value} per row, the values aligned. */
        static void printAligned(PrintStream out, List<String[]> rows) {
            int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
            for (String[] r : rows) {
                out.println((r[0] + ":" + " ".repeat(width - r[0].length() + 2) + r[1]).stripTrailing());
            }
        }

        private static String listOrNone(List<String> items) {
            return items.isEmpty() ? "none" : String.join(", ", items);
        }

        private static void writeStrings(JsonGenerator g, String field, List<String> values) throws IOException {
            g.writeArrayFieldStart(field);
            for (String v : values) {
                g.writeString(v);
            }
            g.writeEndArray();
        }
    }

    /**
     * The maintenance state of a table (docs/rfcs/0005-maintenance.md): settings in effect, live and
     * removed files, where its log starts, the lease and the last run recorded, the newest checkpoint.
     * The lease and the last run are deltaq's own objects: one that cannot be read is shown as such
     * ({@code leaseError}, {@code lastRunError}) rather than failing the whole inspection.
     */
    record MaintenanceView(MaintenanceSettings settings, int liveFiles, long liveBytes, int removedFiles,
                           long removedBytes, int removedWithoutSize, long logStartVersion, long compactedThrough,
                           long oldestVersionInLog, Optional<TableLease.Lease> lease, String leaseError,
                           Optional<MaintenanceRun> lastRun, String lastRunError,
                           Optional<DeltaTable.CheckpointFiles> newestCheckpoint, long nowMs) {

        static MaintenanceView read(DeltaTable table, Snapshot snapshot, long nowMs) {
            long removedBytes = 0;
            int withoutSize = 0;
            for (RemoveFile r : snapshot.tombstones()) {
                if (r.size() != null) {
                    removedBytes += r.size();
                } else {
                    withoutSize++;
                }
            }
            long oldestInLog = Futures.await(table.firstVersionAfter(-1),
                    table.options().ioTimeout().toNanos(), cause -> cause instanceof RuntimeException re ? re
                            : new DeltaLogException(table.location() + ": listing the log: " + cause, cause));
            Optional<TableLease.Lease> lease = Optional.empty();
            String leaseError = null;
            try {
                lease = TableLease.read(table);
            } catch (DeltaLogException e) {
                leaseError = oneLine(e);
            }
            Optional<MaintenanceRun> lastRun = Optional.empty();
            String lastRunError = null;
            try {
                lastRun = MaintenanceRun.read(table);
            } catch (DeltaLogException e) {
                lastRunError = oneLine(e);
            }
            return new MaintenanceView(MaintenanceSettings.of(snapshot.metadata()), snapshot.liveFiles().size(),
                    snapshot.sizeInBytes(), snapshot.tombstones().size(), removedBytes, withoutSize,
                    CompactedRange.logStartVersion(snapshot, oldestInLog), CompactedRange.compactedThrough(snapshot),
                    oldestInLog, lease, leaseError, lastRun, lastRunError, table.latestCheckpoint(), nowMs);
        }

        /** held, expired or released, by the wall clock of this process. */
        private String leaseState(TableLease.Lease l) {
            return l.released() ? "released" : nowMs > l.expiresAtMs() ? "expired" : "held";
        }

        void writeJson(JsonGenerator g) throws IOException {
            g.writeStartObject();
            g.writeObjectFieldStart("settings");
            for (MaintenanceSettings.Setting s : settings.settings()) {
                g.writeObjectFieldStart(s.key());
                g.writeNumberField("value", s.value());
                g.writeStringField("source", s.isDefault() ? "default" : "table property");
                g.writeStringField("property", s.property());
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeObjectFieldStart("liveFiles");
            g.writeNumberField("count", liveFiles);
            g.writeNumberField("bytes", liveBytes);
            g.writeEndObject();
            g.writeObjectFieldStart("removedFiles");
            g.writeNumberField("count", removedFiles);
            g.writeNumberField("bytes", removedBytes);
            g.writeNumberField("withoutSize", removedWithoutSize);
            g.writeEndObject();
            g.writeNumberField("logStartVersion", logStartVersion);
            g.writeFieldName("compactedThroughVersion");
            if (compactedThrough >= 0) {
                g.writeNumber(compactedThrough);
            } else {
                g.writeNull();
            }
            g.writeNumberField("oldestVersionInLog", oldestVersionInLog);
            g.writeFieldName("lease");
            if (lease.isPresent()) {
                TableLease.Lease l = lease.get();
                g.writeStartObject();
                g.writeNumberField("epoch", l.epoch());
                g.writeStringField("holder", l.holder());
                g.writeStringField("instance", l.instance());
                g.writeNumberField("expiresAtMs", l.expiresAtMs());
                g.writeStringField("state", leaseState(l));
                g.writeEndObject();
            } else {
                g.writeNull();
            }
            if (leaseError != null) {
                g.writeStringField("leaseError", leaseError);
            }
            g.writeFieldName("lastRun");
            if (lastRun.isPresent()) {
                MaintenanceRun r = lastRun.get();
                g.writeStartObject();
                g.writeNumberField("epoch", r.epoch());
                g.writeStringField("holder", r.holder());
                g.writeStringField("instance", r.instance());
                g.writeNumberField("startedAtMs", r.startedAtMs());
                g.writeNumberField("endedAtMs", r.endedAtMs());
                g.writeStringField("outcome", r.outcome().text());
                g.writeStringField("summary", r.summary());
                g.writeEndObject();
            } else {
                g.writeNull();
            }
            if (lastRunError != null) {
                g.writeStringField("lastRunError", lastRunError);
            }
            g.writeFieldName("newestCheckpoint");
            if (newestCheckpoint.isPresent()) {
                DeltaTable.CheckpointFiles c = newestCheckpoint.get();
                g.writeStartObject();
                g.writeNumberField("version", c.version());
                g.writeNumberField("parts", c.parts());
                g.writeNumberField("sizeInBytes", c.sizeInBytes());
                g.writeEndObject();
            } else {
                g.writeNull();
            }
            g.writeEndObject();
        }

        List<String[]> textRows() {
            List<String[]> rows = new ArrayList<>();
            for (MaintenanceSettings.Setting s : settings.settings()) {
                String unit = s.key().endsWith(".bytes") ? " bytes" : " ms";
                String value = s.value() == -1 ? "no limit" : s.value() + unit;
                String source;
                if (s.property() == null) {
                    source = "default";
                } else if (s.isDefault()) {
                    source = "default; table property '" + s.property() + "' is not valid";
                } else if (s.property().strip().equals(Long.toString(s.value()))) {
                    source = "table property";
                } else {
                    source = "table property '" + s.property() + "'"; // an interval, as written
                }
                rows.add(new String[] {"  " + s.key(), value + " (" + source + ")"});
            }
            rows.add(new String[] {"  live files", liveFiles + " (" + liveBytes + " bytes)"});
            rows.add(new String[] {"  removed files", removedFiles + " (" + removedBytes + " bytes"
                    + (removedWithoutSize > 0 ? "; " + removedWithoutSize + " without a size" : "")
                    + ", kept as tombstones)"});
            rows.add(new String[] {"  log start version", Long.toString(logStartVersion)});
            rows.add(new String[] {"  compacted through", compactedThrough >= 0 ? "version " + compactedThrough : "none"});
            rows.add(new String[] {"  oldest version in log", Long.toString(oldestVersionInLog)});
            String leaseText;
            if (leaseError != null) {
                leaseText = "unreadable: " + leaseError;
            } else if (lease.isEmpty()) {
                leaseText = "none";
            } else {
                TableLease.Lease l = lease.get();
                String state = switch (leaseState(l)) {
                    case "released" -> "released";
                    case "expired" -> "expired " + (nowMs - l.expiresAtMs()) + " ms ago";
                    default -> "expires in " + (l.expiresAtMs() - nowMs) + " ms";
                };
                leaseText = l.holder() + " (instance " + l.instance() + "), epoch " + l.epoch() + ", " + state;
            }
            rows.add(new String[] {"  lease", leaseText});
            String runText;
            if (lastRunError != null) {
                runText = "unreadable: " + lastRunError;
            } else if (lastRun.isEmpty()) {
                runText = "never";
            } else {
                MaintenanceRun r = lastRun.get();
                runText = r.outcome().text() + " at " + Instant.ofEpochMilli(r.endedAtMs()) + " ("
                        + (r.endedAtMs() - r.startedAtMs()) + " ms) by " + r.holder() + ", epoch " + r.epoch()
                        + (r.summary().isEmpty() ? "" : ": " + r.summary());
            }
            rows.add(new String[] {"  last run", runText});
            rows.add(new String[] {"  newest checkpoint", newestCheckpoint.map(c -> "version " + c.version() + ", "
                    + c.sizeInBytes() + " bytes" + (c.parts() > 1 ? " in " + c.parts() + " parts" : "")).orElse("none")});
            return rows;
        }
    }

    /* ------------------------------ a JSON tree without databind ------------------------------ */

    /** Parses one JSON value into maps (in field order), lists, strings, numbers, booleans and null. */
    static Object parseJson(String json) throws IOException {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() == null) {
                throw new IOException("empty document");
            }
            Object value = readValue(p);
            if (p.nextToken() != null) {
                throw new IOException("more than one JSON value");
            }
            return value;
        }
    }

    private static Object readValue(JsonParser p) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    object.put(name, readValue(p));
                }
                return object;
            }
            case START_ARRAY -> {
                List<Object> array = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    array.add(readValue(p));
                }
                return array;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return p.getNumberValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return p.getBooleanValue();
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IOException("unexpected " + p.currentToken());
        }
    }

    private static void writeTree(JsonGenerator g, Object value) throws IOException {
        if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName((String) e.getKey());
                writeTree(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof List<?> list) {
            g.writeStartArray();
            for (Object item : list) {
                writeTree(g, item);
            }
            g.writeEndArray();
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Number n) {
            g.writeNumber(n.toString());
        } else {
            g.writeNull();
        }
    }

    /** Delta schemas (PROTOCOL.md "Schema Serialization Format") as one line per top-level column. */
    static final class SchemaText {
        private SchemaText() {
        }

        /** {@code name: type} per column, {@code (nullable)} where nulls are allowed. */
        static List<String> columns(Object schema) {
            List<String> lines = new ArrayList<>();
            if (!(schema instanceof Map<?, ?> struct) || !(struct.get("fields") instanceof List<?> fields)) {
                lines.add(String.valueOf(schema));
                return lines;
            }
            for (Object f : fields) {
                if (f instanceof Map<?, ?> field) {
                    lines.add(field.get("name") + ": " + type(field.get("type"))
                            + (Boolean.FALSE.equals(field.get("nullable")) ? "" : " (nullable)"));
                } else {
                    lines.add(String.valueOf(f));
                }
            }
            return lines;
        }

        /** A type in the compact notation Spark prints: {@code struct<a:int>}, {@code array<long>}, {@code map<string,int>}. */
        static String type(Object type) {
            if (type instanceof String primitive) {
                return primitive;
            }
            if (!(type instanceof Map<?, ?> complex)) {
                return String.valueOf(type);
            }
            Object kind = complex.get("type");
            if ("array".equals(kind)) {
                return "array<" + type(complex.get("elementType")) + ">";
            }
            if ("map".equals(kind)) {
                return "map<" + type(complex.get("keyType")) + "," + type(complex.get("valueType")) + ">";
            }
            if ("struct".equals(kind) && complex.get("fields") instanceof List<?> fields) {
                List<String> parts = new ArrayList<>();
                for (Object f : fields) {
                    if (f instanceof Map<?, ?> field) {
                        parts.add(field.get("name") + ":" + type(field.get("type")));
                    }
                }
                return "struct<" + String.join(",", parts) + ">";
            }
            return String.valueOf(type);
        }
    }
}
