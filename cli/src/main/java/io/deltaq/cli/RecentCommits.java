package io.deltaq.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonGenerator;

import io.deltaq.deltalog.Commit;
import io.deltaq.deltalog.DeltaLogException;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.MessageStats;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.actions.CommitInfo;
import io.deltaq.deltalog.actions.SetTransaction;
import io.deltaq.s3io.Futures;

/**
 * The newest commits of a table, one row each, for {@code deltaq inspect --commits N}: what a
 * {@code DESCRIBE HISTORY} shows, from the commit files alone.
 */
final class RecentCommits {

    /**
     * One commit.
     *
     * @param timestampMs commitInfo's timestamp (in-commit timestamp when there is one), or null
     * @param records rows added, from the added files' statistics; -1 when a file has none
     * @param operation commitInfo's operation, or null
     * @param writer the txn's appId (a deltaq producer's id), else commitInfo's engineInfo, or null
     */
    record Row(long version, Long timestampMs, int filesAdded, int filesRemoved, long records, String operation,
               String writer) {
    }

    private RecentCommits() {
    }

    /**
     * The commits from {@code latest} down, at most {@code count}; stops early at the first version
     * whose commit file is gone (log cleanup keeps the newest ones).
     */
    static List<Row> read(DeltaTable table, long latest, int count) {
        List<Row> rows = new ArrayList<>();
        for (long v = latest; v >= 0 && rows.size() < count; v--) {
            long version = v;
            Optional<Commit> commit = Futures.await(table.readCommit(v), table.options().ioTimeout().toNanos(),
                    cause -> cause instanceof RuntimeException re ? re
                            : new DeltaLogException(table.location() + ": reading the commit of version " + version
                                    + ": " + cause, cause));
            if (commit.isEmpty()) {
                break;
            }
            rows.add(row(commit.get()));
        }
        return rows;
    }

    private static Row row(Commit c) {
        long records = 0;
        for (AddFile add : c.adds()) {
            long n;
            try {
                n = add.stats() == null ? -1 : MessageStats.numRecords(add.stats());
            } catch (IllegalArgumentException e) {
                throw new DeltaLogException("version " + c.version() + ", file " + add.path()
                        + ": its statistics are not valid: " + e.getMessage(), e);
            }
            if (n < 0) {
                records = -1;
                break;
            }
            records += n;
        }
        Optional<CommitInfo> info = c.commitInfo();
        Long timestamp = info.map(i -> i.inCommitTimestamp() != null ? i.inCommitTimestamp() : i.timestamp()).orElse(null);
        String writer = c.txns().stream().map(SetTransaction::appId).findFirst()
                .orElse(info.map(CommitInfo::engineInfo).orElse(null));
        return new Row(c.version(), timestamp, c.adds().size(), c.removes().size(), records,
                info.map(CommitInfo::operation).orElse(null), writer);
    }

    static void printText(PrintStream out, List<Row> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"version", "time", "added", "removed", "records", "operation", "writer"});
        for (Row r : rows) {
            cells.add(new String[] {Long.toString(r.version()),
                    r.timestampMs() == null ? "-" : Instant.ofEpochMilli(r.timestampMs()).toString(),
                    Integer.toString(r.filesAdded()), Integer.toString(r.filesRemoved()),
                    r.records() < 0 ? "?" : Long.toString(r.records()),
                    r.operation() == null ? "-" : r.operation(), r.writer() == null ? "-" : r.writer()});
        }
        int[] width = new int[cells.get(0).length];
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : cells) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < row.length; i++) {
                // Numbers right-aligned, text left-aligned, as a reader scans them.
                boolean number = i == 0 || (i >= 2 && i <= 4);
                String pad = " ".repeat(width[i] - row[i].length());
                line.append(number ? pad + row[i] : row[i] + pad).append("  ");
            }
            out.println(line.toString().stripTrailing());
        }
    }

    static void writeJson(JsonGenerator g, List<Row> rows) throws IOException {
        g.writeArrayFieldStart("commits");
        for (Row r : rows) {
            g.writeStartObject();
            g.writeNumberField("version", r.version());
            g.writeFieldName("timestamp");
            if (r.timestampMs() == null) {
                g.writeNull();
            } else {
                g.writeString(Instant.ofEpochMilli(r.timestampMs()).toString());
            }
            g.writeNumberField("filesAdded", r.filesAdded());
            g.writeNumberField("filesRemoved", r.filesRemoved());
            g.writeFieldName("records");
            if (r.records() < 0) {
                g.writeNull();
            } else {
                g.writeNumber(r.records());
            }
            g.writeStringField("operation", r.operation());
            g.writeStringField("writer", r.writer());
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
