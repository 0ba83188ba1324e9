package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.Action;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.actions.CommitInfo;
import io.deltaq.deltalog.actions.Metadata;
import io.deltaq.deltalog.actions.Protocol;
import io.deltaq.deltalog.actions.RemoveFile;
import io.deltaq.deltalog.actions.SetTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One version of the table as read from its commit file, with the views a consumer needs.
 *
 * @param actions the actions in file order
 */
public record Commit(long version, List<Action> actions) {

    /** The {@code commitInfo.operationParameters} entry for {@link #nextDataFile()}. */
    public static final String NEXT_DATA_FILE_PARAMETER = "deltaq.nextDataFile";

    /**
     * The {@code commitInfo.operationParameters} entry naming the writer instance that made a deltaq
     * commit: with the {@code txn} it tells a writer its own commits from another instance's of the
     * same writer id.
     */
    public static final String WRITER_INSTANCE_PARAMETER = "deltaq.writerInstance";

    /**
     * The {@code commitInfo.operationParameters} entry naming the maintenance step that made a
     * commit; {@link #MAINTENANCE_RETENTION} for a retention (docs/rfcs/0005-maintenance.md).
     */
    public static final String MAINTENANCE_PARAMETER = "deltaq.maintenance";

    /** {@link #MAINTENANCE_PARAMETER}'s value on a retention commit: it removes expired compacted files. */
    public static final String MAINTENANCE_RETENTION = "retention";

    /** {@link #MAINTENANCE_PARAMETER}'s value on a compaction commit: it rewrites files, changing no data. */
    public static final String MAINTENANCE_COMPACTION = "compaction";

    /**
     * The commit file {@code bytes} holds as version {@code version}.
     *
     * @param file the file's location, for messages
     * @throws CorruptLogException if it cannot be parsed, naming the file, the version and the line
     */
    public static Commit parse(long version, byte[] bytes, String file) {
        return new Commit(version, ActionJson.parseCommit(bytes, file, version));
    }

    /**
     * Whether commit bytes found at a version carry {@code instance} under
     * {@value #WRITER_INSTANCE_PARAMETER}: a writer's own earlier attempt whose answer was lost.
     */
    public static boolean madeBy(byte[] bytes, String instance, String file, long version) {
        return carries(bytes, file, version, WRITER_INSTANCE_PARAMETER, instance);
    }

    /**
     * Whether the commit bytes found at {@code version} carry {@code value} under the
     * {@code commitInfo.operationParameters} entry {@code parameter}: how a writer whose conditional
     * create had an unknown outcome tells its own commit from another writer's (never by bytes: two
     * writers may write the same actions). Unreadable bytes are no one's own (own commits always parse).
     */
    public static boolean carries(byte[] bytes, String file, long version, String parameter, String value) {
        try {
            return value.equals(parse(version, bytes, file).parameter(parameter));
        } catch (RuntimeException unreadable) {
            return false;
        }
    }

    /** The {@value #WRITER_INSTANCE_PARAMETER} of this commit's {@code commitInfo}, or null. */
    public String writerInstance() {
        return parameter(WRITER_INSTANCE_PARAMETER);
    }

    /** The value of one {@code commitInfo.operationParameters} entry, or null. */
    public String parameter(String name) {
        return commitInfo().map(CommitInfo::operationParameters).map(p -> p.get(name)).orElse(null);
    }

    public Commit {
        actions = List.copyOf(actions);
    }

    /**
     * How a queue consumer should treat this commit; see {@link Delivery} for the policy. A deltaq
     * retention ({@link #isRetention()}) has nothing to deliver: its rows were delivered when they
     * were added, and it only expires them.
     */
    public Delivery delivery() {
        boolean gains = false;
        boolean rewrites = false;
        for (Action a : actions) {
            if (a instanceof RemoveFile r && r.dataChange()) {
                rewrites = true;
            }
            if (a instanceof AddFile add && add.dataChange()) {
                gains = true;
            }
        }
        if (rewrites) {
            return isRetention() ? Delivery.NO_DATA_CHANGE : Delivery.REWRITE;
        }
        return gains ? Delivery.GAINS_DATA : Delivery.NO_DATA_CHANGE;
    }

    /**
     * Whether this is a deltaq retention: {@link #MAINTENANCE_PARAMETER} is
     * {@link #MAINTENANCE_RETENTION} and its only file actions are {@code remove}s. Another engine's
     * DELETE, or a commit that also adds files, is not.
     */
    public boolean isRetention() {
        boolean removes = false;
        for (Action a : actions) {
            if (a instanceof AddFile) {
                return false;
            }
            removes |= a instanceof RemoveFile;
        }
        return removes && MAINTENANCE_RETENTION.equals(parameter(MAINTENANCE_PARAMETER));
    }

    /** The {@code add} actions with {@code dataChange true}, in file order: the data this commit gains. */
    public List<AddFile> dataAdds() {
        List<AddFile> adds = new ArrayList<>();
        for (Action a : actions) {
            if (a instanceof AddFile add && add.dataChange()) {
                adds.add(add);
            }
        }
        return adds;
    }

    public List<AddFile> adds() {
        return ofType(AddFile.class);
    }

    public List<RemoveFile> removes() {
        return ofType(RemoveFile.class);
    }

    public List<SetTransaction> txns() {
        return ofType(SetTransaction.class);
    }

    public Optional<CommitInfo> commitInfo() {
        return first(CommitInfo.class);
    }

    /**
     * The {@code add.path} of the data file the writer of this commit expected to commit next (a
     * deltaq producer names the batch it is uploading while this one commits), if it said: a hint
     * for prefetching, not a promise; the file may never be committed.
     */
    public Optional<String> nextDataFile() {
        return commitInfo().map(CommitInfo::operationParameters).map(p -> p.get(NEXT_DATA_FILE_PARAMETER));
    }

    /** The protocol this commit sets, if it changes it. */
    public Optional<Protocol> protocol() {
        return first(Protocol.class);
    }

    /** The metadata this commit sets, if it changes it. */
    public Optional<Metadata> metadata() {
        return first(Metadata.class);
    }

    private <T extends Action> List<T> ofType(Class<T> type) {
        List<T> list = new ArrayList<>();
        for (Action a : actions) {
            if (type.isInstance(a)) {
                list.add(type.cast(a));
            }
        }
        return list;
    }

    private <T extends Action> Optional<T> first(Class<T> type) {
        for (Action a : actions) {
            if (type.isInstance(a)) {
                return Optional.of(type.cast(a));
            }
        }
        return Optional.empty();
    }
}
