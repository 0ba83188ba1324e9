package io.deltaq.jmh.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.deltaq.jmh.Interleaved;
import io.deltaq.jmh.Interleaved.Group;
import io.deltaq.jmh.Interleaved.Variant;

/**
 * Cross-check of {@link CommitJsonBenchmark} and {@link MessageParquetBenchmark} for a busy machine:
 * every variant in one JVM, taking turns in short time slices (order rotating every round), so load
 * that comes and goes hits deltaq and Kernel alike. Per round it records each variant's time per
 * operation; it prints the median over rounds and the median of the per-round ratios.
 *
 * <p>Not JMH ({@link Interleaved}): the JMH classes stay the reference for absolute numbers on a
 * quiet machine; this one is for the ratios.
 *
 * <pre>java -cp jmh/target/classes:$(cat jmh/target/classpath.txt) io.deltaq.jmh.log.LogInterleaved [rounds] [sliceMs]</pre>
 */
public final class LogInterleaved {

    private LogInterleaved() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        long sliceNanos = (args.length > 1 ? Long.parseLong(args[1]) : 200) * 1_000_000L;
        List<Group> groups = new ArrayList<>();
        List<AutoCloseable> toClose = new ArrayList<>();

        for (String adds : List.of("1", "16")) {
            CommitJsonBenchmark json = new CommitJsonBenchmark();
            json.adds = Integer.parseInt(adds);
            json.setUp();
            groups.add(new Group("parse commit, " + adds + " add(s)", 1, List.of(
                    new Variant("deltaq", json::parseDeltaq),
                    new Variant("kernel", json::parseKernel))));
            groups.add(new Group("write commit, " + adds + " add(s)", 1, List.of(
                    new Variant("deltaq", json::writeDeltaq),
                    new Variant("kernel", json::writeKernel))));
        }
        MessageParquetBenchmark bench = new MessageParquetBenchmark();
        for (String codec : List.of("SNAPPY", "UNCOMPRESSED")) {
            MessageParquetBenchmark.Messages m = new MessageParquetBenchmark.Messages();
            m.codec = codec;
            m.setUp();
            toClose.add(m::tearDown);
            MessageParquetBenchmark.KernelOutput out = new MessageParquetBenchmark.KernelOutput();
            groups.add(new Group("encode, " + codec.toLowerCase(Locale.ROOT), MessageParquetBenchmark.MESSAGES, List.of(
                    new Variant("deltaq", () -> bench.encodeDeltaq(m)),
                    new Variant("deltaq+file", () -> bench.encodeDeltaqToFile(m)),
                    new Variant("kernel", null, () -> bench.encodeKernel(m, out), () -> {
                        try {
                            out.delete();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }, null))));
            for (String writer : List.of("deltaq", "kernel")) {
                MessageParquetBenchmark.EncodedFile f = new MessageParquetBenchmark.EncodedFile();
                f.fileWriter = writer;
                f.setUp(m);
                groups.add(new Group("decode, " + codec.toLowerCase(Locale.ROOT) + ", file by " + writer,
                        MessageParquetBenchmark.MESSAGES, List.of(
                        new Variant("deltaq", () -> bench.decodeDeltaq(m, f)),
                        new Variant("deltaq+file", () -> bench.decodeDeltaqFromFile(m, f)),
                        new Variant("kernel", () -> bench.decodeKernel(m, f)))));
            }
        }

        Interleaved.run(groups, rounds, sliceNanos, 1_000_000_000L);
        System.out.printf("Interleaved, %d rounds, %d ms slices; medians over rounds; ratio = variant / deltaq "
                + "time, median of the per-round ratios (above 1: slower than deltaq in memory).%n%n", rounds,
                sliceNanos / 1_000_000);
        Interleaved.print(groups, System.out);
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }
}
