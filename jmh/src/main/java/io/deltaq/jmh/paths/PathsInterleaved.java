package io.deltaq.jmh.paths;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.deltaq.jmh.Interleaved;
import io.deltaq.jmh.Interleaved.Group;
import io.deltaq.jmh.Interleaved.Variant;
import io.deltaq.jmh.queue.QueueStore;

/**
 * Cross-check of the paths suite for a busy machine ({@link Interleaved}): the commit and poll paths
 * for one batch size and discovery, deltaq and every Kernel variant, on both stores, all in one JVM
 * taking turns, so that the Kernel / deltaq ratios come from the same moments. Each variant is the
 * JMH benchmark's own state, set up once (one table for the whole run; what JMH does per invocation
 * runs around each call, untimed). Also reports the storage requests one operation sends.
 *
 * <pre>bin/jmh --paths-interleaved [rounds (10)] [sliceMs (400)] [messages (10000)]</pre>
 */
public final class PathsInterleaved {

    private PathsInterleaved() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        long sliceNanos = (args.length > 1 ? Long.parseLong(args[1]) : 400) * 1_000_000L;
        int messages = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        List<Group> groups = new ArrayList<>();
        List<Runnable> toClose = new ArrayList<>();
        String size = String.format(Locale.ROOT, "%,d messages", messages);
        try {
            for (String store : List.of(QueueStore.S3, QueueStore.LOCAL)) {
                List<Variant> commits = new ArrayList<>();
                for (String impl : List.of(Appender.DELTAQ, Appender.KERNEL)) {
                    CommitPathBenchmark.Path path = new CommitPathBenchmark.Path();
                    path.store = store;
                    path.impl = impl;
                    path.messages = messages;
                    path.open();
                    toClose.add(path::close);
                    path.freshTable();
                    toClose.add(0, path::checkAndDelete);
                    commits.add(new Variant(impl, null, path::commit, path::checkpointIfDue,
                            () -> path.storage.store().metrics().totalRequests()));
                }
                groups.add(new Group("commit, " + size + ", " + store, messages, commits));

                List<Variant> polls = new ArrayList<>();
                for (String impl : List.of(CommitReader.DELTAQ, CommitReader.KERNEL)) {
                    PollPathBenchmark.Path path = new PollPathBenchmark.Path();
                    path.store = store;
                    path.impl = impl;
                    path.messages = messages;
                    path.open();
                    toClose.add(path::close);
                    polls.add(new Variant(impl, null, path::poll, null,
                            () -> path.storage.store().metrics().totalRequests()));
                }
                groups.add(new Group("poll, " + size + ", " + store, messages, polls));

                List<Variant> discoveries = new ArrayList<>();
                for (String impl : List.of(VersionProbe.DELTAQ, VersionProbe.KERNEL, VersionProbe.KERNEL_RANGE)) {
                    DiscoveryBenchmark.Log log = new DiscoveryBenchmark.Log();
                    log.store = store;
                    log.impl = impl;
                    log.open();
                    toClose.add(log::close);
                    log.freshTable();
                    toClose.add(0, log::deleteTable);
                    discoveries.add(new Variant(impl, log::appendNext, log::discover, null,
                            () -> log.storage.store().metrics().totalRequests()));
                }
                groups.add(new Group("discovery, " + store, 1, discoveries));
            }

            Interleaved.run(groups, rounds, sliceNanos, 2_000_000_000L);
            System.out.printf("Interleaved, %d rounds, %d ms slices; medians over rounds; ratio = variant / deltaq "
                    + "time, median of the per-round ratios; requests per op in the last round (on the local store, "
                    + "Kernel's file-status calls are stats, not store requests).%n%n", rounds, sliceNanos / 1_000_000);
            Interleaved.print(groups, System.out);
        } finally {
            for (Runnable close : toClose) {
                close.run();
            }
        }
    }
}
