package io.deltaq.deltalog;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The last maintenance pass of a table, as its {@link MaintenanceRunner} records it after each pass in
 * {@value #NAME} under {@link TableLease#DIR} (RFC 0005, "Who runs it"). Informational only:
 * a plain PUT, last writer wins; a maintainer that lost its lease and still wrote is told apart by an
 * epoch below the current lease's. Nothing reads it to decide anything.
 *
 * @param epoch the lease epoch the pass ran under
 * @param holder the maintainer's readable name
 * @param instance the maintainer's lease instance id
 * @param startedAtMs when the pass started, by the maintainer's wall clock
 * @param endedAtMs when it ended
 * @param summary the pass's report in one line, or its failure's message; empty when it had nothing to do
 */
public record MaintenanceRun(long epoch, String holder, String instance, long startedAtMs, long endedAtMs,
                             Outcome outcome, String summary) {

    public static final String NAME = "last-run.json";

    /** How a pass ended. */
    public enum Outcome {
        OK("ok"), FAILED("failed"), NOTHING_TO_DO("nothing-to-do");

        private final String text;

        Outcome(String text) {
            this.text = text;
        }

        /** As stored and printed: {@code ok}, {@code failed}, {@code nothing-to-do}. */
        public String text() {
            return text;
        }

        static Outcome parse(String text) {
            for (Outcome o : values()) {
                if (o.text.equals(text)) {
                    return o;
                }
            }
            return null;
        }
    }

    public MaintenanceRun {
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(outcome, "outcome");
        summary = summary == null ? "" : summary;
    }

    /**
     * The last run recorded for {@code table}; empty when no maintainer has finished a pass.
     *
     * @throws DeltaLogException if it cannot be read
     * @throws CorruptLogException if it is not such a record
     */
    public static Optional<MaintenanceRun> read(DeltaTable table) {
        LogStore io = table.io();
        String key = keyOf(io);
        Optional<byte[]> data = io.join(io.get(key), "reading " + io.display(key));
        return data.map(bytes -> parse(bytes, io.display(key)));
    }

    /** Writes this record over the table's last one (a plain PUT), waiting at most the I/O timeout. */
    void write(DeltaTable table) {
        LogStore io = table.io();
        String key = keyOf(io);
        io.join(io.store.put(key, toJson()), "writing " + io.display(key));
    }

    private static String keyOf(LogStore io) {
        return io.root + TableLease.DIR + NAME;
    }

    byte[] toJson() {
        return ActionJson.objectLine(g -> {
            g.writeNumberField("epoch", epoch);
            g.writeStringField("holder", holder);
            g.writeStringField("instance", instance);
            g.writeNumberField("startedAtMs", startedAtMs);
            g.writeNumberField("endedAtMs", endedAtMs);
            g.writeStringField("outcome", outcome.text());
            g.writeStringField("summary", summary);
        });
    }

    static MaintenanceRun parse(byte[] data, String file) {
        Map<String, Object> fields;
        try {
            fields = ActionJson.flatObject(data);
        } catch (IllegalArgumentException e) {
            throw DeltaErrors.corruptMaintenanceRun(file, e.getMessage(), e);
        }
        long epoch = fields.get("epoch") instanceof Long l ? l : -1;
        String holder = fields.get("holder") instanceof String h ? h : null;
        String instance = fields.get("instance") instanceof String i ? i : null;
        long startedAtMs = fields.get("startedAtMs") instanceof Long l ? l : -1;
        long endedAtMs = fields.get("endedAtMs") instanceof Long l ? l : -1;
        String outcome = fields.get("outcome") instanceof String o ? o : null;
        String summary = fields.get("summary") instanceof String m ? m : null;
        Outcome parsed = Outcome.parse(outcome == null ? null : outcome.toLowerCase(Locale.ROOT));
        if (epoch < 0 || holder == null || instance == null || startedAtMs < 0 || endedAtMs < 0 || parsed == null) {
            throw DeltaErrors.corruptMaintenanceRun(file, "expected {\"epoch\", \"holder\", \"instance\", \"startedAtMs\","
                    + " \"endedAtMs\", \"outcome\": ok|failed|nothing-to-do, \"summary\"}", null);
        }
        return new MaintenanceRun(epoch, holder, instance, startedAtMs, endedAtMs, parsed, summary);
    }
}
