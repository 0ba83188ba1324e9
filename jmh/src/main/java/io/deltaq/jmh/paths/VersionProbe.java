package io.deltaq.jmh.paths;

import io.delta.kernel.CommitRangeBuilder.CommitBoundary;
import io.delta.kernel.TableManager;
import io.deltaq.deltalog.Commit;
import io.deltaq.deltalog.LogTail;

/**
 * Discovery: how a reader that has seen every version up to N learns that N+1 exists.
 */
interface VersionProbe {

    String DELTAQ = Appender.DELTAQ;
    /** Kernel loading the table's latest snapshot. */
    String KERNEL = Appender.KERNEL;
    /** Kernel listing a commit range that starts at N+1. */
    String KERNEL_RANGE = "kernel-range";

    /** The newest version the reader now knows of, having known {@code knownVersion}. */
    long discover(long knownVersion);

    static VersionProbe open(String impl, SharedTable table) {
        return switch (impl) {
            case DELTAQ -> new Deltaq(table);
            // TableManager.loadSnapshot is what Table.getLatestSnapshot does too, minus a resolvePath.
            case KERNEL -> known -> TableManager.loadSnapshot(table.uri).build(table.kernel).getVersion();
            case KERNEL_RANGE -> known -> TableManager.loadCommitRange(table.uri, CommitBoundary.atVersion(known + 1))
                    .build(table.kernel).getEndVersion();
            default -> throw new IllegalArgumentException(
                    "impl must be " + DELTAQ + ", " + KERNEL + " or " + KERNEL_RANGE + ", was " + impl);
        };
    }

    /**
     * The consumer's tailer: {@link LogTail#poll()} GETs {@code _delta_log/<N+1>.json} (a 404 would
     * mean "nothing new"), parses it and moves on. No listing.
     */
    final class Deltaq implements VersionProbe {
        private final SharedTable table;
        private final LogTail tail;

        Deltaq(SharedTable table) {
            this.table = table;
            this.tail = table.deltaq.tail(table.deltaq.snapshot());
        }

        @Override
        public long discover(long knownVersion) {
            if (tail.nextVersion() != knownVersion + 1) {
                throw new IllegalStateException("the tail is at version " + tail.nextVersion() + ", not " + (knownVersion + 1));
            }
            Commit commit = SharedTable.join(tail.poll(), "polling " + table.uri)
                    .orElseThrow(() -> new IllegalStateException(table.uri + ": version " + (knownVersion + 1) + " not found"));
            return commit.version();
        }
    }
}
