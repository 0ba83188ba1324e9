package io.deltaq.cli;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.deltaq.deltalog.DeltaTable;
import io.deltaq.s3io.ObjectStore;

/**
 * {@code deltaq configure TABLE [KEY=VALUE ...] [--unset KEY[,KEY...]]}: sets or removes a topic's
 * table properties (retention, compaction, Delta's log settings) in one metadata-only commit, and
 * prints the resulting configuration. Without settings it only prints.
 */
final class ConfigureCommand implements Command {

    static final String UNSET = "unset";

    private final Map<String, String> env;

    ConfigureCommand() {
        this(System.getenv());
    }

    /** @param env where S3 settings come from, like the process environment */
    ConfigureCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public String name() {
        return "configure";
    }

    @Override
    public String summary() {
        return "set or remove a topic's table properties (retention, compaction, log retention)";
    }

    @Override
    public String description() {
        return """
                Sets each KEY=VALUE and removes each key named by --unset in the configuration of the
                message table at TABLE, in one commit (operation SET TBLPROPERTIES) that keeps its
                schema, id and data; producers and consumers running on the table go on and take the
                new settings. Then prints the table's configuration, one KEY=VALUE line each, sorted.
                Without settings it only prints. The keys deltaq reads are listed in
                docs/configuration.md ("Table properties"): for example deltaq.retention.ms,
                deltaq.retention.bytes, deltaq.compaction.min.age.ms, deltaq.compaction.target.bytes,
                deltaq.maintenance.interval.ms, delta.deletedFileRetentionDuration,
                delta.logRetentionDuration, delta.setTransactionRetentionDuration. A value deltaq
                cannot use is refused naming the key. Exit status 1 when the table cannot be read or
                changed, 2 for a wrong command line.""";
    }

    @Override
    public OptionParser options() {
        return TableAddress.declare(new OptionParser("deltaq configure")
                        .value(UNSET, "KEY[,KEY...]", "remove these properties"))
                .positionals("TABLE", 1, 1)
                .positionals("KEY=VALUE", 0, Integer.MAX_VALUE);
    }

    @Override
    public int run(ParsedOptions options, CommandIo io) throws UsageException {
        List<String> args = options.positionals();
        Map<String, String> set = new LinkedHashMap<>();
        for (String setting : args.subList(1, args.size())) {
            try {
                KeyValues.parseInto(setting, set);
            } catch (IllegalArgumentException e) {
                throw options().error(e.getMessage());
            }
        }
        Set<String> unset = new LinkedHashSet<>();
        for (String key : options.string(UNSET).orElse("").split(",")) {
            if (!key.isBlank()) {
                unset.add(key.trim());
            }
        }
        for (String key : unset) {
            if (set.containsKey(key)) {
                throw options().error("'" + key + "' is both set and unset");
            }
        }
        try (ObjectStore store = TableAddress.open(args.get(0), options, options(), env)) {
            DeltaTable table = DeltaTable.at(store, "");
            long version = set.isEmpty() && unset.isEmpty()
                    ? table.latestVersion()
                    : table.setProperties(set, unset);
            Map<String, String> configuration = new TreeMap<>(table.snapshotAt(version).metadata().configuration());
            configuration.forEach((k, v) -> io.out().println(k + "=" + v));
            return OK;
        } catch (RuntimeException e) {
            io.err().println("deltaq configure: " + InspectCommand.oneLine(e));
            return FAILED;
        }
    }
}
