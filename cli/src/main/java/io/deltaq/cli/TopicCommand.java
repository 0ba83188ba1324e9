package io.deltaq.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import io.deltaq.deltalog.DeltaLogException;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.Snapshot;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.ObjectStores;
import io.deltaq.s3io.S3Location;
import io.deltaq.topic.Topic;
import io.deltaq.topic.TopicManifest;

/**
 * {@code deltaq topic ACTION ADDRESS}: creates, describes, grows, lists and deletes topics of
 * several partitions, one message table each under a manifest (RFC 0006). A plain table is a topic
 * of one partition, so describe, list and delete take tables too.
 *
 * <p>The action is the first argument rather than a nested picocli command: every command has one
 * {@link OptionParser}, and an option that does not apply to the action is a usage error.
 */
final class TopicCommand implements Command {

    static final String PARTITIONS = "partitions";
    static final String TABLE_PROPERTY = "table-property";
    static final String JSON = "json";

    private static final String CREATE = "create";
    private static final String DESCRIBE = "describe";
    private static final String GROW = "grow";
    private static final String LIST = "list";
    private static final String DELETE = "delete";
    private static final List<String> ACTIONS = List.of(CREATE, DESCRIBE, GROW, LIST, DELETE);
    /** The actions each action-specific option applies to, in a fixed order; --endpoint and --region apply to all. */
    private static final List<Map.Entry<String, List<String>>> APPLIES_TO = List.of(
            Map.entry(PARTITIONS, List.of(CREATE, GROW)),
            Map.entry(TABLE_PROPERTY, List.of(CREATE)),
            Map.entry(JSON, List.of(DESCRIBE)));
    private static final JsonFactory JSON_FACTORY = new JsonFactory();

    private final Map<String, String> env;

    TopicCommand() {
        this(System.getenv());
    }

    /** @param env where S3 settings come from, like the process environment */
    TopicCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public String name() {
        return "topic";
    }

    @Override
    public String summary() {
        return "create, describe, grow, list or delete a topic of several partitions";
    }

    @Override
    public String description() {
        return """
                A topic is a directory holding a manifest (_deltaq/topic/) and one message table per partition
                (partition-00000/, partition-00001/, ...); see docs/rfcs/0006-topics-and-groups.md. A plain
                table is a topic of one partition, so describe, list and delete take tables too.

                  create ADDRESS [--partitions N] [--table-property KEY=VALUE ...]
                      creates the topic with N partitions (default 1), each partition table with these table
                      properties (the keys 'deltaq configure' sets); a topic already there with the same
                      partitions and properties is recognised, one with others is an error naming them
                  describe ADDRESS [--json]
                      prints the topic's id, manifest version, partitions and table properties, and for each
                      partition its address, latest version, records and files; --json prints one JSON object
                  grow ADDRESS --partitions N
                      raises the partitions to N, never lowers them; a key may hash to another partition after
                  list PREFIX
                      prints the name of each topic and table directly under PREFIX, one a line
                  delete ADDRESS
                      deletes every object of the topic (its manifests first) and prints how many; stop its
                      producers and consumers first

                ADDRESS and PREFIX are written as TABLE is below.
                """ + TableAddress.HELP + """


                exit status:
                  0  done
                  1  the topic cannot be created, read, grown, listed or deleted (one line on stderr says why)
                  2  the command line is wrong""";
    }

    @Override
    public OptionParser options() {
        return TableAddress.declare(new OptionParser("deltaq topic")
                        .value(PARTITIONS, "N", "create: how many partitions (default 1); grow: how many after")
                        .repeatable(TABLE_PROPERTY, "KEY=VALUE", "create: a table property of every partition table")
                        .flag(JSON, "describe: print one JSON object instead of text"))
                .positionals("ACTION", 1, 1)
                .positionals("ADDRESS", 1, 1);
    }

    @Override
    public int run(ParsedOptions options, CommandIo io) throws UsageException {
        String action = options.positionals().get(0);
        String address = options.positionals().get(1);
        if (!ACTIONS.contains(action)) {
            throw options().error("unknown action '" + action + "' (" + String.join(", ", ACTIONS) + ")");
        }
        for (Map.Entry<String, List<String>> option : APPLIES_TO) {
            if (options.has(option.getKey()) && !option.getValue().contains(action)) {
                throw options().error("--" + option.getKey() + " applies to " + String.join(" and ", option.getValue())
                        + ", not to " + action);
            }
        }
        try {
            return switch (action) {
                case CREATE -> create(address, options, io);
                case DESCRIBE -> describe(address, options, io);
                case GROW -> grow(address, options, io);
                case LIST -> list(address, options, io);
                default -> delete(address, options, io);
            };
        } catch (RuntimeException e) {
            io.err().println("deltaq topic " + action + ": " + InspectCommand.oneLine(e));
            return FAILED;
        }
    }

    private int create(String address, ParsedOptions options, CommandIo io) throws UsageException {
        int partitions = options.intValue(PARTITIONS, 1, 1, Topic.MAX_PARTITIONS);
        Map<String, String> properties = new LinkedHashMap<>();
        for (String property : options.strings(TABLE_PROPERTY)) {
            try {
                KeyValues.parseInto(property, properties);
            } catch (IllegalArgumentException e) {
                throw options().error("--" + TABLE_PROPERTY + " " + e.getMessage());
            }
        }
        try (ObjectStore store = TableAddress.open(address, options, options(), env)) {
            // Only for the wording: Topic.create recognises the same topic either way, and tells
            // this creator's own manifest from one that was there by its id.
            Optional<String> idBefore = Topic.find(store, "").map(t -> t.manifest().id());
            Topic topic = Topic.create(store, "", partitions, properties);
            String name = InspectCommand.displayName(store);
            io.out().println((idBefore.equals(Optional.of(topic.manifest().id())) ? "recognised topic " : "created topic ")
                    + name + ": " + partitionCount(topic.partitions()) + ", table properties "
                    + propertiesText(topic.tableProperties()) + ", id " + topic.manifest().id());
            return OK;
        }
    }

    private int describe(String address, ParsedOptions options, CommandIo io) throws UsageException {
        Description description;
        try (ObjectStore store = InspectCommand.openExisting(address, "no topic here", options, options(), env)) {
            description = Description.read(Topic.open(store, ""), InspectCommand.displayName(store));
        }
        if (options.flag(JSON)) {
            io.out().println(description.toJson());
        } else {
            description.printText(io.out());
        }
        List<Integer> unreadable = description.partitionTables().stream()
                .filter(p -> p.error() != null).map(PartitionView::partition).toList();
        if (!unreadable.isEmpty()) {
            // Everything readable is printed; the status still says that the topic is not whole.
            io.err().println("deltaq topic describe: " + unreadable.size() + " of " + description.partitionTables().size()
                    + " partition tables cannot be read (partitions " + unreadable + ")");
            return FAILED;
        }
        return OK;
    }

    private int grow(String address, ParsedOptions options, CommandIo io) throws UsageException {
        if (!options.has(PARTITIONS)) {
            throw options().error("grow needs --" + PARTITIONS + " N, the partitions the topic is to have");
        }
        int partitions = options.intValue(PARTITIONS, 1, 1, Topic.MAX_PARTITIONS);
        try (ObjectStore store = InspectCommand.openExisting(address, "no topic here", options, options(), env)) {
            Topic before = Topic.open(store, "");
            Topic grown = before.grow(partitions);
            io.out().println("grew topic " + InspectCommand.displayName(store) + " from " + before.partitions() + " to "
                    + partitionCount(grown.partitions()) + " (manifest version " + grown.manifest().version() + ")");
            return OK;
        }
    }

    private int list(String prefix, ParsedOptions options, CommandIo io) throws UsageException {
        try (ObjectStore store = InspectCommand.openExisting(prefix, "no topics here", options, options(), env)) {
            Topic.list(store, "").forEach(io.out()::println);
            return OK;
        }
    }

    private int delete(String address, ParsedOptions options, CommandIo io) throws UsageException {
        // Topic.delete takes the topic's path within a store, and refuses the store's root: the store
        // is opened at the parent of ADDRESS. Only the root of a bucket or file system has none.
        InParent where = InParent.of(address, options());
        try (ObjectStore store = InspectCommand.openExisting(where.parent(), "no topic here", options, options(), env)) {
            // Deletes only where a topic or table is: everything under the path goes, whatever it is.
            Topic topic = Topic.open(store, where.name());
            long deleted = Topic.delete(store, where.name());
            io.out().println("deleted " + deleted + (deleted == 1 ? " object" : " objects") + " of "
                    + (topic.plainTable() ? "table " : "topic ") + join(InspectCommand.displayName(store), where.name()));
            return OK;
        }
    }

    /** An address as the address of its parent directory and its name there; itself and "" when it has no parent. */
    record InParent(String parent, String name) {

        static InParent of(String address, OptionParser parser) throws UsageException {
            if (address.isBlank()) {
                throw parser.error("ADDRESS is empty"); // a local path would be the working directory
            }
            try {
                if (ObjectStores.isS3(address)) {
                    S3Location location = S3Location.parse(address.trim());
                    String prefix = location.prefix();
                    int slash = prefix.lastIndexOf('/');
                    return prefix.isEmpty() ? new InParent(address, "") : new InParent(
                            new S3Location(location.bucket(), slash < 0 ? "" : prefix.substring(0, slash)).toString(),
                            prefix.substring(slash + 1));
                }
                Path dir = ObjectStores.localPath(address).toAbsolutePath().normalize();
                return dir.getParent() == null ? new InParent(address, "")
                        : new InParent(dir.getParent().toString(), dir.getFileName().toString());
            } catch (IllegalArgumentException e) {
                throw parser.error("ADDRESS: " + e.getMessage());
            }
        }
    }

    /** {@code base} (a store's display name) followed by a path within the store. */
    private static String join(String base, String path) {
        return path.isEmpty() || base.endsWith("/") ? base + path : base + "/" + path;
    }

    private static String partitionCount(int partitions) {
        return partitions + (partitions == 1 ? " partition" : " partitions");
    }

    private static String propertiesText(Map<String, String> properties) {
        return properties.isEmpty() ? "none" : new TreeMap<>(properties).toString();
    }

    /** One partition as describe shows it; {@code error} set (and the counts -1) when its table cannot be read. */
    record PartitionView(int partition, String path, String address, long version, long records, int files, long bytes,
                         String error) {

        static PartitionView read(Topic topic, int partition, String topicName) {
            String path = topic.partitionPath(partition);
            String address = join(topicName, path);
            DeltaTable table = topic.partitionTable(partition);
            try {
                Snapshot snapshot = table.snapshot();
                return new PartitionView(partition, path, address, snapshot.version(), table.rowCount(snapshot),
                        snapshot.liveFiles().size(), snapshot.sizeInBytes(), null);
            } catch (DeltaLogException e) {
                // A missing or unreadable table (a creator that died half way) is shown in its row, so
                // that the other partitions are still described.
                return new PartitionView(partition, path, address, -1, -1, -1, -1, InspectCommand.oneLine(e));
            }
        }
    }

    /** What describe prints, read from the newest manifest and each partition's latest snapshot. */
    record Description(String name, Topic topic, List<PartitionView> partitionTables) {

        static Description read(Topic topic, String name) {
            List<PartitionView> partitions = new ArrayList<>(topic.partitions());
            for (int p = 0; p < topic.partitions(); p++) {
                partitions.add(PartitionView.read(topic, p, name));
            }
            return new Description(name, topic, List.copyOf(partitions));
        }

        String toJson() {
            TopicManifest manifest = topic.manifest();
            StringWriter text = new StringWriter(256 + 160 * partitionTables.size());
            try (JsonGenerator g = JSON_FACTORY.createGenerator(text)) {
                g.writeStartObject();
                g.writeStringField("topic", name);
                g.writeBooleanField("plainTable", topic.plainTable());
                // A plain table has no manifest: no id, version, time or table properties of its own
                // (the table's configuration is what 'deltaq inspect' shows).
                if (topic.plainTable()) {
                    g.writeNullField("id");
                    g.writeNullField("manifestVersion");
                    g.writeNullField("createdAtMs");
                } else {
                    g.writeStringField("id", manifest.id());
                    g.writeNumberField("manifestVersion", manifest.version());
                    g.writeNumberField("createdAtMs", manifest.createdAtMs());
                }
                g.writeNumberField("partitions", topic.partitions());
                if (topic.plainTable()) {
                    g.writeNullField("tableProperties");
                } else {
                    g.writeObjectFieldStart("tableProperties");
                    for (Map.Entry<String, String> e : new TreeMap<>(manifest.tableProperties()).entrySet()) {
                        g.writeStringField(e.getKey(), e.getValue());
                    }
                    g.writeEndObject();
                }
                g.writeArrayFieldStart("partitionTables");
                for (PartitionView p : partitionTables) {
                    g.writeStartObject();
                    g.writeNumberField("partition", p.partition());
                    g.writeStringField("path", p.path());
                    g.writeStringField("address", p.address());
                    if (p.error() != null) {
                        g.writeStringField("error", p.error());
                    } else {
                        g.writeNumberField("version", p.version());
                        g.writeNumberField("numRecords", p.records());
                        g.writeNumberField("numFiles", p.files());
                        g.writeNumberField("sizeInBytes", p.bytes());
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a StringWriter does not fail
            }
            return text.toString();
        }

        void printText(PrintStream out) {
            TopicManifest manifest = topic.manifest();
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"topic", name + (topic.plainTable() ? " (a plain table: one partition, no manifest)" : "")});
            if (!topic.plainTable()) {
                rows.add(new String[] {"id", manifest.id()});
                rows.add(new String[] {"manifest version", manifest.version() + " (written "
                        + Instant.ofEpochMilli(manifest.createdAtMs()) + ")"});
                rows.add(new String[] {"table properties", manifest.tableProperties().isEmpty() ? "none" : ""});
                for (Map.Entry<String, String> e : new TreeMap<>(manifest.tableProperties()).entrySet()) {
                    rows.add(new String[] {"  " + e.getKey(), e.getValue()});
                }
            }
            rows.add(new String[] {"partitions", Integer.toString(topic.partitions())});
            for (PartitionView p : partitionTables) {
                rows.add(new String[] {"  " + p.partition(), p.address() + "  " + (p.error() != null
                        ? "cannot be read: " + p.error()
                        : "version " + p.version() + ", " + p.records() + " records in " + p.files() + " files ("
                                + p.bytes() + " bytes)")});
            }
            InspectCommand.Report.printAligned(out, rows);
        }
    }
}
