package io.deltaq.consumer;

import io.deltaq.deltalog.ActionJson;
import io.deltaq.deltalog.CommitResult;
import io.deltaq.deltalog.Commit;
import io.deltaq.deltalog.CommitWriter;
import io.deltaq.deltalog.CompactedRange;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.Header;
import io.deltaq.deltalog.Headers;
import io.deltaq.deltalog.MessageStats;
import io.deltaq.deltalog.Position;
import io.deltaq.deltalog.actions.Action;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.actions.CommitInfo;
import io.deltaq.deltalog.actions.RemoveFile;
import io.deltaq.deltalog.actions.SetTransaction;
import io.deltaq.deltalog.internal.parquet.MessageBatch;
import io.deltaq.deltalog.internal.parquet.MessageFileWriter;
import io.deltaq.s3io.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Writes message tables for the consumer's tests, as the producer will: data files encoded with
 * {@link MessageFileWriter}, uploaded with {@code put}, committed by a {@link CommitWriter}. Also
 * writes the commits a producer never makes (compactions, deletes) as raw JSON with put-if-absent.
 *
 * <p>Message {@code n} has value {@code "m-n"}, key {@code "k-n"} (null when {@code n % 7 == 3}) and
 * timestamp {@code 1_000_000 + n} microseconds.
 */
final class TestTable {

    /** One data file as committed: its path and the message numbers it holds. */
    record DataFile(String path, long size, int[] messages) {
    }

    final ObjectStore store;
    final String root;
    final DeltaTable table;
    private CommitWriter writer;
    private long sequence;
    private final MessageFileWriter fileWriter = new MessageFileWriter();
    private final MessageBatch batch = new MessageBatch();
    /** Live files in commit order, for compactions and deletes. */
    final List<DataFile> liveFiles = new ArrayList<>();
    /** Each message's position, as committed. */
    final Map<Integer, Position> positions = new HashMap<>();
    /** The data files each version added, in commit order. */
    final Map<Long, List<DataFile>> filesOfVersion = new HashMap<>();
    /** Files removed from the table and not yet deleted from the store (vacuum deletes them). */
    final List<DataFile> removed = new ArrayList<>();

    TestTable(ObjectStore store, String tablePath) {
        this.store = store;
        this.root = tablePath.isEmpty() || tablePath.endsWith("/") ? tablePath : tablePath + "/";
        this.table = DeltaTable.at(store, tablePath);
    }

    TestTable create() {
        table.createMessageTable();
        writer = table.newWriter("test-writer", table.snapshot(), null);
        return this;
    }

    static String value(int n) {
        return "m-" + n;
    }

    static String key(int n) {
        return n % 7 == 3 ? null : "k-" + n;
    }

    static long timestamp(int n) {
        return 1_000_000L + n;
    }

    /** Every fourth message has two headers, one with a null value; the others have none. */
    static List<Header> headers(int n) {
        return n % 4 == 2 ? List.of(new Header("n", value(n).getBytes(StandardCharsets.UTF_8)), new Header("nil", null))
                : List.of();
    }

    /** Uploads a data file holding messages {@code from..to-1}. */
    DataFile upload(int from, int to) {
        return upload(range(from, to));
    }

    DataFile upload(int[] messages) {
        batch.clear();
        for (int n : messages) {
            byte[] k = key(n) == null ? null : key(n).getBytes(StandardCharsets.UTF_8);
            byte[] v = value(n).getBytes(StandardCharsets.UTF_8);
            byte[] h = Headers.encode(headers(n));
            batch.append(k, 0, k == null ? 0 : k.length, v, 0, v.length, timestamp(n), h, 0, h.length);
        }
        int length = fileWriter.encode(batch);
        byte[] bytes = fileWriter.toByteArray();
        String path = "part-" + UUID.randomUUID() + ".parquet";
        await(store.put(root + path, bytes));
        return new DataFile(path, length, messages);
    }

    /** Commits one message with {@code value} (and no key), as message number {@code n}'s position. */
    long appendValue(byte[] value) {
        return appendValue(value, List.of());
    }

    /** Commits one message with {@code value}, no key and {@code headers}. */
    long appendValue(byte[] value, List<Header> headers) {
        batch.clear();
        byte[] h = Headers.encode(headers);
        batch.append(null, 0, 0, value, 0, value.length, 1, h, 0, h.length);
        int length = fileWriter.encode(batch);
        String path = "part-" + UUID.randomUUID() + ".parquet";
        await(store.put(root + path, fileWriter.toByteArray()));
        DataFile f = new DataFile(path, length, new int[] {0});
        return appendFiles(f);
    }

    static String stats(DataFile f) {
        int nullKeys = 0;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int n : f.messages()) {
            nullKeys += key(n) == null ? 1 : 0;
            min = Math.min(min, timestamp(n));
            max = Math.max(max, timestamp(n));
        }
        return new MessageStats(f.messages().length, min, max, nullKeys).toJson();
    }

    /** Commits messages {@code from..to-1} in one file; returns the version. */
    long append(int from, int to) {
        return appendFiles(upload(from, to));
    }

    /** Commits messages {@code from..to-1} split into {@code files} files of one commit. */
    long append(int from, int to, int files) {
        List<DataFile> list = new ArrayList<>();
        int per = Math.max(1, (to - from + files - 1) / files);
        for (int s = from; s < to; s += per) {
            list.add(upload(s, Math.min(to, s + per)));
        }
        return appendFiles(list.toArray(new DataFile[0]));
    }

    long appendFiles(DataFile... files) {
        return appendNamingNext(null, files);
    }

    /** Commits the files, naming {@code nextDataFile} in the commit as the writer's next data file. */
    long appendNamingNext(String nextDataFile, DataFile... files) {
        List<AddFile> adds = new ArrayList<>();
        for (DataFile f : files) {
            adds.add(AddFile.ofNewFile(f.path(), f.size(), System.currentTimeMillis(), stats(f)));
            liveFiles.add(f);
        }
        CommitResult result = await(writer.commit(++sequence, adds, nextDataFile));
        long version = result.version();
        int index = 0;
        for (DataFile f : files) {
            for (int n : f.messages()) {
                positions.put(n, new Position(version, index++));
            }
        }
        filesOfVersion.put(version, List.of(files));
        return version;
    }

    /** A raw commit of {@code actions} at the version after the latest; returns that version. */
    long rawCommit(String operation, List<Action> actions) {
        return rawCommit(operation, Map.of(), actions);
    }

    long rawCommit(String operation, Map<String, String> parameters, List<Action> actions) {
        long version = table.latestVersion() + 1;
        List<Action> all = new ArrayList<>();
        all.add(new CommitInfo(System.currentTimeMillis(), null, operation, parameters, Boolean.FALSE, "test", null));
        all.addAll(actions);
        byte[] json = new ActionJson.Writer().write(all);
        if (!await(store.putIfAbsent(root + "_delta_log/" + String.format("%020d", version) + ".json", json))) {
            throw new IllegalStateException("version " + version + " already exists");
        }
        return version;
    }

    /** Rewrites every live file into one, all with dataChange false: an OPTIMIZE. */
    long compact() {
        List<Action> actions = new ArrayList<>();
        List<Integer> all = new ArrayList<>();
        for (DataFile f : liveFiles) {
            actions.add(remove(f, false));
            for (int n : f.messages()) {
                all.add(n);
            }
        }
        DataFile merged = upload(all.stream().mapToInt(Integer::intValue).toArray());
        actions.add(new AddFile(merged.path(), Map.of(), merged.size(), System.currentTimeMillis(), false,
                stats(merged), null, null));
        liveFiles.clear();
        liveFiles.add(merged);
        return rawCommit("OPTIMIZE", actions);
    }

    /**
     * Compacts versions {@code from..to} as deltaq maintenance does (docs/rfcs/0005-maintenance.md):
     * one file holding their live rows in position order, added with the {@link CompactedRange} tags,
     * the originals removed, all with dataChange false, and the compaction txn at {@code to}.
     *
     * @return the compacted file; {@link #latestCommit} is the compaction's version
     */
    DataFile compactVersions(long from, long to) {
        long[] rows = new long[(int) (to - from + 1)];
        List<Integer> all = new ArrayList<>();
        List<Action> actions = new ArrayList<>();
        int at = -1;
        for (long v = from; v <= to; v++) {
            for (DataFile f : filesOfVersion.getOrDefault(v, List.of())) {
                int i = liveFiles.indexOf(f);
                if (i < 0) {
                    continue;
                }
                at = at < 0 ? i : at;
                liveFiles.remove(i);
                removed.add(f);
                actions.add(remove(f, false));
                rows[(int) (v - from)] += f.messages().length;
                for (int n : f.messages()) {
                    all.add(n);
                }
            }
        }
        DataFile merged = upload(all.stream().mapToInt(Integer::intValue).toArray());
        actions.add(new AddFile(merged.path(), Map.of(), merged.size(), System.currentTimeMillis(), false,
                stats(merged), new CompactedRange(from, rows).toTags(), null));
        actions.add(new SetTransaction(CompactedRange.COMPACTION_APP_ID, to, System.currentTimeMillis()));
        liveFiles.add(Math.max(0, at), merged);
        latestCommit = rawCommit("OPTIMIZE", actions);
        return merged;
    }

    /** The version of the last {@link #compactVersions} or {@link #retain}. */
    long latestCommit = -1;

    /** Removes a compacted file as deltaq retention does: a DELETE marked as a retention. */
    long retain(DataFile compacted) {
        liveFiles.remove(compacted);
        removed.add(compacted);
        latestCommit = rawCommit("DELETE", Map.of(Commit.MAINTENANCE_PARAMETER, Commit.MAINTENANCE_RETENTION),
                List.of(remove(compacted, true)));
        return latestCommit;
    }

    /** Deletes every removed file from the store, as vacuum does once they are old enough. */
    void vacuum() {
        for (DataFile f : removed) {
            await(store.delete(root + f.path()));
        }
        removed.clear();
    }

    /**
     * Log cleanup keeping {@code keep}: writes its checkpoint, then deletes every commit and
     * checkpoint before it, oldest first.
     */
    void cleanLogBefore(long keep) {
        table.checkpoint(keep);
        for (long v = 0; v < keep; v++) {
            await(store.delete(root + "_delta_log/" + String.format("%020d", v) + ".json"));
            await(store.delete(root + "_delta_log/" + String.format("%020d", v) + ".checkpoint.parquet"));
        }
    }

    /** The messages of {@code from..to-1} whose position is at or after {@code p}. */
    int[] messagesFrom(Position p, int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int n = from; n < to; n++) {
            if (positions.get(n).compareTo(p) >= 0) {
                out.add(n);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Deletes the first message of the first live file by rewriting that file: a DELETE. */
    long deleteFirstMessage() {
        DataFile victim = liveFiles.remove(0);
        int[] kept = java.util.Arrays.copyOfRange(victim.messages(), 1, victim.messages().length);
        DataFile rewritten = upload(kept);
        liveFiles.add(0, rewritten);
        return rawCommit("DELETE", List.of(remove(victim, true),
                new AddFile(rewritten.path(), Map.of(), rewritten.size(), System.currentTimeMillis(), true,
                        stats(rewritten), null, null)));
    }

    private static RemoveFile remove(DataFile f, boolean dataChange) {
        return new RemoveFile(f.path(), System.currentTimeMillis(), dataChange, true, Map.of(), f.size(), null, null,
                null);
    }

    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    static <T> T await(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
