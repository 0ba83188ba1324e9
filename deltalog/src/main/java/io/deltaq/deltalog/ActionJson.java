package io.deltaq.deltalog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.deltaq.deltalog.actions.Action;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.actions.CommitInfo;
import io.deltaq.deltalog.actions.DeletionVector;
import io.deltaq.deltalog.actions.Format;
import io.deltaq.deltalog.actions.Metadata;
import io.deltaq.deltalog.actions.Protocol;
import io.deltaq.deltalog.actions.RemoveFile;
import io.deltaq.deltalog.actions.SetTransaction;
import io.deltaq.deltalog.actions.UnknownAction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Delta commit files: newline-delimited JSON, one action per line, read and written with
 * jackson-core's streaming parser and generator (no data binding, no reflection).
 *
 * <p>Reading tolerates what the protocol says readers must tolerate: unknown actions are kept as
 * {@link UnknownAction}, unknown fields and {@code null} values of optional fields are skipped.
 * Truncated or invalid JSON and actions without a required field fail with a
 * {@link CorruptLogException} that names the file, the version and the line.
 */
public final class ActionJson {

    static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private ActionJson() {
    }

    /** Writes the fields of one JSON object. */
    @FunctionalInterface
    interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    /**
     * The top-level fields of one JSON object, as deltaq's own files ({@code _deltaq/}) hold them:
     * whole numbers as {@code Long}, strings as {@code String}; other values are left out.
     *
     * @throws IllegalArgumentException saying why {@code data} is not such an object
     */
    static Map<String, Object> flatObject(byte[] data) {
        Map<String, Object> fields = new HashMap<>();
        try (JsonParser p = FACTORY.createParser(data)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (t == JsonToken.VALUE_NUMBER_INT) {
                    fields.put(field, p.getLongValue());
                } else if (t == JsonToken.VALUE_STRING) {
                    fields.put(field, p.getText());
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getMessage(), e);
        }
        return fields;
    }

    /** One JSON object and a newline, as deltaq's own files ({@code _deltaq/}) hold it. */
    static byte[] objectLine(Fields fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    /* ================================ reading ================================ */

    /**
     * Parses a whole commit file.
     *
     * @param file the file's location, for messages
     * @param version the table version the file holds, for messages (-1 if none)
     */
    public static List<Action> parseCommit(byte[] data, String file, long version) {
        List<Action> actions = new ArrayList<>();
        parseCommit(data, 0, data.length, file, version, actions::add);
        return actions;
    }

    /** Parses {@code length} bytes of a commit file, handing each action to {@code sink} in file order. */
    public static void parseCommit(byte[] data, int offset, int length, String file, long version,
                                   Consumer<? super Action> sink) {
        Reader r = new Reader(file, version);
        try (JsonParser p = FACTORY.createParser(data, offset, length)) {
            r.parser = p;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                r.line = p.currentTokenLocation().getLineNr();
                if (t != JsonToken.START_OBJECT) {
                    throw DeltaErrors.notAnAction(file, version, r.line,
                            "expected an action object but found " + describe(t));
                }
                Action action = null;
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    if (p.nextToken() == JsonToken.VALUE_NULL) {
                        continue;
                    }
                    if (action != null) {
                        throw DeltaErrors.notAnAction(file, version, r.line,
                                "more than one action in one line ('" + action.actionName() + "' and '" + name + "')");
                    }
                    action = r.readAction(name);
                }
                if (action == null) {
                    throw DeltaErrors.notAnAction(file, version, r.line, "the line holds no action");
                }
                sink.accept(action);
            }
        } catch (JsonEOFException e) {
            throw DeltaErrors.truncatedJson(file, version, r.line, e);
        } catch (StreamReadException e) {
            throw DeltaErrors.invalidJson(file, version, e.getLocation() == null ? r.line : e.getLocation().getLineNr(),
                    e.getLocation() == null ? 0 : e.getLocation().getColumnNr(), e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw DeltaErrors.invalidJson(file, version, r.line, 0, String.valueOf(e.getMessage()), e);
        }
    }

    /** Parses one action from its JSON text, e.g. {@code {"add":{...}}}. */
    public static Action parseAction(String json) {
        List<Action> actions = new ArrayList<>(1);
        byte[] bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        parseCommit(bytes, 0, bytes.length, "<action>", -1, actions::add);
        if (actions.size() != 1) {
            throw DeltaErrors.notAnAction("<action>", -1, 1, "expected exactly one action, found " + actions.size());
        }
        return actions.get(0);
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case START_OBJECT -> "an object";
            default -> t.toString();
        };
    }

    /** Per-file parsing state, for messages. */
    private static final class Reader {
        final String file;
        final long version;
        JsonParser parser;
        long line = 1;

        Reader(String file, long version) {
            this.file = file;
            this.version = version;
        }

        Action readAction(String name) throws IOException {
            JsonParser p = parser;
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw DeltaErrors.wrongType(file, version, line, name, name, "an object", describe(p.currentToken()));
            }
            return switch (name) {
                case AddFile.NAME -> readAdd();
                case RemoveFile.NAME -> readRemove();
                case Metadata.NAME -> readMetadata();
                case Protocol.NAME -> readProtocol();
                case SetTransaction.NAME -> readTxn();
                case CommitInfo.NAME -> readCommitInfo();
                default -> new UnknownAction(name, copyStructure(p));
            };
        }

        private AddFile readAdd() throws IOException {
            JsonParser p = parser;
            String path = null;
            Map<String, String> partitionValues = null;
            Long size = null;
            Long modificationTime = null;
            Boolean dataChange = null;
            String stats = null;
            Map<String, String> tags = null;
            DeletionVector dv = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "path" -> path = string("add", field);
                    case "partitionValues" -> partitionValues = stringMap("add", field);
                    case "size" -> size = longValue("add", field);
                    case "modificationTime" -> modificationTime = longValue("add", field);
                    case "dataChange" -> dataChange = bool("add", field);
                    case "stats" -> stats = string("add", field);
                    case "tags" -> tags = stringMap("add", field);
                    case "deletionVector" -> dv = deletionVector("add");
                    default -> p.skipChildren();
                }
            }
            return new AddFile(
                    require(path, "add", "path"), require(partitionValues, "add", "partitionValues"),
                    require(size, "add", "size"), require(modificationTime, "add", "modificationTime"),
                    require(dataChange, "add", "dataChange"), stats, tags, dv);
        }

        private RemoveFile readRemove() throws IOException {
            JsonParser p = parser;
            String path = null;
            Long deletionTimestamp = null;
            Boolean dataChange = null;
            Boolean extended = null;
            Map<String, String> partitionValues = null;
            Long size = null;
            String stats = null;
            Map<String, String> tags = null;
            DeletionVector dv = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "path" -> path = string("remove", field);
                    case "deletionTimestamp" -> deletionTimestamp = longValue("remove", field);
                    case "dataChange" -> dataChange = bool("remove", field);
                    case "extendedFileMetadata" -> extended = bool("remove", field);
                    case "partitionValues" -> partitionValues = stringMap("remove", field);
                    case "size" -> size = longValue("remove", field);
                    case "stats" -> stats = string("remove", field);
                    case "tags" -> tags = stringMap("remove", field);
                    case "deletionVector" -> dv = deletionVector("remove");
                    default -> p.skipChildren();
                }
            }
            return new RemoveFile(require(path, "remove", "path"), deletionTimestamp,
                    require(dataChange, "remove", "dataChange"), extended, partitionValues, size, stats, tags, dv);
        }

        private Metadata readMetadata() throws IOException {
            JsonParser p = parser;
            String id = null;
            String name = null;
            String description = null;
            Format format = null;
            String schemaString = null;
            List<String> partitionColumns = null;
            Map<String, String> configuration = null;
            Long createdTime = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "id" -> id = string("metaData", field);
                    case "name" -> name = string("metaData", field);
                    case "description" -> description = string("metaData", field);
                    case "format" -> format = format();
                    case "schemaString" -> schemaString = string("metaData", field);
                    case "partitionColumns" -> partitionColumns = stringList("metaData", field);
                    case "configuration" -> configuration = stringMap("metaData", field);
                    case "createdTime" -> createdTime = longValue("metaData", field);
                    default -> p.skipChildren();
                }
            }
            return new Metadata(require(id, "metaData", "id"), name, description, require(format, "metaData", "format"),
                    require(schemaString, "metaData", "schemaString"),
                    require(partitionColumns, "metaData", "partitionColumns"),
                    require(configuration, "metaData", "configuration"), createdTime);
        }

        private Format format() throws IOException {
            JsonParser p = parser;
            if (p.currentToken() == JsonToken.VALUE_NULL) {
                return null;
            }
            expectObject("metaData", "format");
            String provider = null;
            Map<String, String> options = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "provider" -> provider = string("format", field);
                    case "options" -> options = stringMap("format", field);
                    default -> p.skipChildren();
                }
            }
            return new Format(require(provider, "format", "provider"), options);
        }

        private Protocol readProtocol() throws IOException {
            JsonParser p = parser;
            Long reader = null;
            Long writer = null;
            List<String> readerFeatures = null;
            List<String> writerFeatures = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "minReaderVersion" -> reader = longValue("protocol", field);
                    case "minWriterVersion" -> writer = longValue("protocol", field);
                    case "readerFeatures" -> readerFeatures = stringList("protocol", field);
                    case "writerFeatures" -> writerFeatures = stringList("protocol", field);
                    default -> p.skipChildren();
                }
            }
            return new Protocol(toInt(require(reader, "protocol", "minReaderVersion"), "protocol", "minReaderVersion"),
                    toInt(require(writer, "protocol", "minWriterVersion"), "protocol", "minWriterVersion"),
                    readerFeatures, writerFeatures);
        }

        private SetTransaction readTxn() throws IOException {
            JsonParser p = parser;
            String appId = null;
            Long version = null;
            Long lastUpdated = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "appId" -> appId = string("txn", field);
                    case "version" -> version = longValue("txn", field);
                    case "lastUpdated" -> lastUpdated = longValue("txn", field);
                    default -> p.skipChildren();
                }
            }
            return new SetTransaction(require(appId, "txn", "appId"), require(version, "txn", "version"), lastUpdated);
        }

        private CommitInfo readCommitInfo() throws IOException {
            JsonParser p = parser;
            Long timestamp = null;
            Long ict = null;
            String operation = null;
            Map<String, String> parameters = null;
            Boolean blindAppend = null;
            String engineInfo = null;
            String txnId = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "timestamp" -> timestamp = longValue("commitInfo", field);
                    case "inCommitTimestamp" -> ict = longValue("commitInfo", field);
                    case "operation" -> operation = scalarText();
                    case "operationParameters" -> parameters = anyValueMap("commitInfo", field);
                    case "isBlindAppend" -> blindAppend = bool("commitInfo", field);
                    case "engineInfo" -> engineInfo = scalarText();
                    case "txnId" -> txnId = scalarText();
                    default -> p.skipChildren();
                }
            }
            return new CommitInfo(timestamp, ict, operation, parameters, blindAppend, engineInfo, txnId);
        }

        private DeletionVector deletionVector(String action) throws IOException {
            JsonParser p = parser;
            if (p.currentToken() == JsonToken.VALUE_NULL) {
                return null;
            }
            expectObject(action, "deletionVector");
            String storageType = null;
            String pathOrInline = null;
            Long offset = null;
            Long sizeInBytes = null;
            Long cardinality = null;
            Long maxRowIndex = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "storageType" -> storageType = string("deletionVector", field);
                    case "pathOrInlineDv" -> pathOrInline = string("deletionVector", field);
                    case "offset" -> offset = longValue("deletionVector", field);
                    case "sizeInBytes" -> sizeInBytes = longValue("deletionVector", field);
                    case "cardinality" -> cardinality = longValue("deletionVector", field);
                    case "maxRowIndex" -> maxRowIndex = longValue("deletionVector", field);
                    default -> p.skipChildren();
                }
            }
            return new DeletionVector(require(storageType, "deletionVector", "storageType"),
                    require(pathOrInline, "deletionVector", "pathOrInlineDv"),
                    offset == null ? null : toInt(offset, "deletionVector", "offset"),
                    toInt(require(sizeInBytes, "deletionVector", "sizeInBytes"), "deletionVector", "sizeInBytes"),
                    require(cardinality, "deletionVector", "cardinality"), maxRowIndex);
        }

        /* ---- values: the parser is on the value token; null means JSON null ---- */

        private String string(String action, String field) throws IOException {
            JsonToken t = parser.currentToken();
            if (t == JsonToken.VALUE_STRING) {
                return parser.getText();
            }
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            throw DeltaErrors.wrongType(file, version, line, action, field, "a string", describe(t));
        }

        /** Text of any scalar, for free-form provenance fields; structures are skipped. */
        private String scalarText() throws IOException {
            JsonToken t = parser.currentToken();
            if (t.isScalarValue()) {
                return t == JsonToken.VALUE_NULL ? null : parser.getText();
            }
            parser.skipChildren();
            return null;
        }

        private Long longValue(String action, String field) throws IOException {
            JsonToken t = parser.currentToken();
            if (t == JsonToken.VALUE_NUMBER_INT) {
                if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw DeltaErrors.wrongType(file, version, line, action, field, "a 64-bit integer",
                            "the number " + parser.getText());
                }
                return parser.getLongValue();
            }
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            throw DeltaErrors.wrongType(file, version, line, action, field, "an integer", describe(t));
        }

        private Boolean bool(String action, String field) throws IOException {
            JsonToken t = parser.currentToken();
            if (t == JsonToken.VALUE_TRUE) {
                return Boolean.TRUE;
            }
            if (t == JsonToken.VALUE_FALSE) {
                return Boolean.FALSE;
            }
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            throw DeltaErrors.wrongType(file, version, line, action, field, "a boolean", describe(t));
        }

        /** A string-to-string map; scalar values are kept as their text, null values as null. */
        private Map<String, String> stringMap(String action, String field) throws IOException {
            JsonParser p = parser;
            if (p.currentToken() == JsonToken.VALUE_NULL) {
                return null;
            }
            expectObject(action, field);
            Map<String, String> map = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken v = p.nextToken();
                if (!v.isScalarValue()) {
                    throw DeltaErrors.wrongType(file, version, line, action, field + "." + key, "a string",
                            describe(v));
                }
                map.put(key, v == JsonToken.VALUE_NULL ? null : p.getText());
            }
            return map;
        }

        /** Like {@link #stringMap} but nested values are kept as JSON text (commitInfo is free-form). */
        private Map<String, String> anyValueMap(String action, String field) throws IOException {
            JsonParser p = parser;
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                return null;
            }
            Map<String, String> map = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken v = p.nextToken();
                if (v.isScalarValue()) {
                    map.put(key, v == JsonToken.VALUE_NULL ? null : p.getText());
                } else {
                    map.put(key, copyStructure(p));
                }
            }
            return map;
        }

        private List<String> stringList(String action, String field) throws IOException {
            JsonParser p = parser;
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            if (t != JsonToken.START_ARRAY) {
                throw DeltaErrors.wrongType(file, version, line, action, field, "an array of strings", describe(t));
            }
            List<String> list = new ArrayList<>();
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.VALUE_STRING) {
                    throw DeltaErrors.wrongType(file, version, line, action, field, "an array of strings",
                            "an array holding " + describe(t));
                }
                list.add(p.getText());
            }
            return list;
        }

        private void expectObject(String action, String field) {
            JsonToken t = parser.currentToken();
            if (t != JsonToken.START_OBJECT) {
                throw DeltaErrors.wrongType(file, version, line, action, field, "an object", describe(t));
            }
        }

        private <T> T require(T value, String action, String field) {
            if (value == null) {
                throw DeltaErrors.missingField(file, version, line, action, field);
            }
            return value;
        }

        private int toInt(long value, String action, String field) {
            if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                throw DeltaErrors.wrongType(file, version, line, action, field, "a 32-bit integer",
                        "the number " + value);
            }
            return (int) value;
        }
    }

    private static String copyStructure(JsonParser p) throws IOException {
        StringWriter sw = new StringWriter(64);
        try (JsonGenerator g = FACTORY.createGenerator(sw)) {
            g.copyCurrentStructure(p);
        }
        return sw.toString();
    }

    /* ================================ writing ================================ */

    /**
     * Writes commit files. Reuses its buffer: one instance per thread (a writer's commit thread).
     */
    public static final class Writer {
        private final ExposedByteArrayOutputStream out = new ExposedByteArrayOutputStream(2048);
        private final JsonGenerator generator;

        public Writer() {
            try {
                // One generator for every commit: after a flush it is back at the root, ready for the next.
                generator = FACTORY.createGenerator(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            generator.setRootValueSeparator(null);
        }

        /** The commit file holding {@code actions}, one per line, each line ending in a newline. */
        public byte[] write(List<? extends Action> actions) {
            out.reset();
            try {
                for (Action action : actions) {
                    writeAction(generator, action);
                    generator.writeRaw('\n');
                }
                generator.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e); // in-memory output: cannot happen
            }
            return out.toByteArray();
        }
    }

    /** One action as a single line of JSON, without the newline. */
    public static String toJson(Action action) {
        StringWriter sw = new StringWriter(256);
        try (JsonGenerator g = FACTORY.createGenerator(sw)) {
            writeAction(g, action);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sw.toString();
    }

    static void writeAction(JsonGenerator g, Action action) throws IOException {
        g.writeStartObject();
        g.writeFieldName(action.actionName());
        if (action instanceof AddFile a) {
            writeAdd(g, a);
        } else if (action instanceof CommitInfo c) {
            writeCommitInfo(g, c);
        } else if (action instanceof SetTransaction t) {
            g.writeStartObject();
            g.writeStringField("appId", t.appId());
            g.writeNumberField("version", t.version());
            if (t.lastUpdated() != null) {
                g.writeNumberField("lastUpdated", t.lastUpdated());
            }
            g.writeEndObject();
        } else if (action instanceof RemoveFile r) {
            writeRemove(g, r);
        } else if (action instanceof Metadata m) {
            writeMetadata(g, m);
        } else if (action instanceof Protocol p) {
            g.writeStartObject();
            g.writeNumberField("minReaderVersion", p.minReaderVersion());
            g.writeNumberField("minWriterVersion", p.minWriterVersion());
            writeStringListIfPresent(g, "readerFeatures", p.readerFeatures());
            writeStringListIfPresent(g, "writerFeatures", p.writerFeatures());
            g.writeEndObject();
        } else if (action instanceof UnknownAction u) {
            g.writeRawValue(u.json());
        } else {
            throw new IllegalArgumentException("unknown action type " + action.getClass());
        }
        g.writeEndObject();
    }

    private static void writeAdd(JsonGenerator g, AddFile a) throws IOException {
        g.writeStartObject();
        g.writeStringField("path", a.path());
        g.writeFieldName("partitionValues");
        writeStringMap(g, a.partitionValues());
        g.writeNumberField("size", a.size());
        g.writeNumberField("modificationTime", a.modificationTime());
        g.writeBooleanField("dataChange", a.dataChange());
        if (a.stats() != null) {
            g.writeStringField("stats", a.stats());
        }
        if (a.tags() != null) {
            g.writeFieldName("tags");
            writeStringMap(g, a.tags());
        }
        if (a.deletionVector() != null) {
            writeDeletionVector(g, a.deletionVector());
        }
        g.writeEndObject();
    }

    private static void writeRemove(JsonGenerator g, RemoveFile r) throws IOException {
        g.writeStartObject();
        g.writeStringField("path", r.path());
        if (r.deletionTimestamp() != null) {
            g.writeNumberField("deletionTimestamp", r.deletionTimestamp());
        }
        g.writeBooleanField("dataChange", r.dataChange());
        if (r.extendedFileMetadata() != null) {
            g.writeBooleanField("extendedFileMetadata", r.extendedFileMetadata());
        }
        if (r.partitionValues() != null) {
            g.writeFieldName("partitionValues");
            writeStringMap(g, r.partitionValues());
        }
        if (r.size() != null) {
            g.writeNumberField("size", r.size());
        }
        if (r.stats() != null) {
            g.writeStringField("stats", r.stats());
        }
        if (r.tags() != null) {
            g.writeFieldName("tags");
            writeStringMap(g, r.tags());
        }
        if (r.deletionVector() != null) {
            writeDeletionVector(g, r.deletionVector());
        }
        g.writeEndObject();
    }

    private static void writeDeletionVector(JsonGenerator g, DeletionVector dv) throws IOException {
        g.writeFieldName("deletionVector");
        g.writeStartObject();
        g.writeStringField("storageType", dv.storageType());
        g.writeStringField("pathOrInlineDv", dv.pathOrInlineDv());
        if (dv.offset() != null) {
            g.writeNumberField("offset", dv.offset());
        }
        g.writeNumberField("sizeInBytes", dv.sizeInBytes());
        g.writeNumberField("cardinality", dv.cardinality());
        if (dv.maxRowIndex() != null) {
            g.writeNumberField("maxRowIndex", dv.maxRowIndex());
        }
        g.writeEndObject();
    }

    private static void writeMetadata(JsonGenerator g, Metadata m) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", m.id());
        if (m.name() != null) {
            g.writeStringField("name", m.name());
        }
        if (m.description() != null) {
            g.writeStringField("description", m.description());
        }
        g.writeFieldName("format");
        g.writeStartObject();
        g.writeStringField("provider", m.format().provider());
        g.writeFieldName("options");
        writeStringMap(g, m.format().options());
        g.writeEndObject();
        g.writeStringField("schemaString", m.schemaString());
        g.writeFieldName("partitionColumns");
        g.writeStartArray();
        for (String c : m.partitionColumns()) {
            g.writeString(c);
        }
        g.writeEndArray();
        g.writeFieldName("configuration");
        writeStringMap(g, m.configuration());
        if (m.createdTime() != null) {
            g.writeNumberField("createdTime", m.createdTime());
        }
        g.writeEndObject();
    }

    private static void writeCommitInfo(JsonGenerator g, CommitInfo c) throws IOException {
        g.writeStartObject();
        if (c.inCommitTimestamp() != null) {
            g.writeNumberField("inCommitTimestamp", c.inCommitTimestamp());
        }
        if (c.timestamp() != null) {
            g.writeNumberField("timestamp", c.timestamp());
        }
        if (c.operation() != null) {
            g.writeStringField("operation", c.operation());
        }
        if (c.operationParameters() != null) {
            g.writeFieldName("operationParameters");
            writeStringMap(g, c.operationParameters());
        }
        if (c.isBlindAppend() != null) {
            g.writeBooleanField("isBlindAppend", c.isBlindAppend());
        }
        if (c.engineInfo() != null) {
            g.writeStringField("engineInfo", c.engineInfo());
        }
        if (c.txnId() != null) {
            g.writeStringField("txnId", c.txnId());
        }
        g.writeEndObject();
    }

    private static void writeStringMap(JsonGenerator g, Map<String, String> map) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (e.getValue() == null) {
                g.writeNullField(e.getKey());
            } else {
                g.writeStringField(e.getKey(), e.getValue());
            }
        }
        g.writeEndObject();
    }

    private static void writeStringListIfPresent(JsonGenerator g, String field, List<String> list) throws IOException {
        if (list == null) {
            return;
        }
        g.writeFieldName(field);
        g.writeStartArray();
        for (String s : list) {
            g.writeString(s);
        }
        g.writeEndArray();
    }

    /** A byte stream whose buffer is reused across commits. */
    static final class ExposedByteArrayOutputStream extends ByteArrayOutputStream {
        ExposedByteArrayOutputStream(int size) {
            super(size);
        }

        byte[] buffer() {
            return buf;
        }
    }
}
