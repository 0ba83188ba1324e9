package io.deltaq.jmh.log;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Cross-check of {@link CommitJsonBenchmark} and {@link MessageParquetBenchmark} for a busy machine:
 * every variant in one JVM, taking turns in short time slices (order rotating every round), so load
 * that comes and goes hits deltaq and Kernel alike. Per round it records each variant's time per
 * operation; it prints the median over rounds and the median of the per-round ratios.
 *
 * <p>Not JMH: one JVM, {@code System.nanoTime} around each call, results folded into a sink. The JMH
 * classes stay the reference for absolute numbers on a quiet machine; this one is for the ratios.
 *
 * <pre>java -cp jmh/target/classes:$(cat jmh/target/classpath.txt) io.deltaq.jmh.log.LogInterleaved [rounds] [sliceMs]</pre>
 */
public final class LogInterleaved {

    private static volatile long sink;

    /** One measured operation; {@code cleanup} runs after each call, outside the timing. */
    private record Variant(String name, Callable<Object> call, Runnable cleanup) {
    }

    /** Variants compared with each other; the first is the baseline of the ratios. */
    private record Group(String name, int itemsPerOp, List<Variant> variants, List<double[]> nanosPerOp) {
        Group(String name, int itemsPerOp, List<Variant> variants) {
            this(name, itemsPerOp, variants, new ArrayList<>());
        }
    }

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
                    new Variant("deltaq", json::parseDeltaq, null),
                    new Variant("kernel", json::parseKernel, null))));
            groups.add(new Group("write commit, " + adds + " add(s)", 1, List.of(
                    new Variant("deltaq", json::writeDeltaq, null),
                    new Variant("kernel", json::writeKernel, null))));
        }
        MessageParquetBenchmark bench = new MessageParquetBenchmark();
        for (String codec : List.of("SNAPPY", "UNCOMPRESSED")) {
            MessageParquetBenchmark.Messages m = new MessageParquetBenchmark.Messages();
            m.codec = codec;
            m.setUp();
            toClose.add(m::tearDown);
            MessageParquetBenchmark.KernelOutput out = new MessageParquetBenchmark.KernelOutput();
            groups.add(new Group("encode, " + codec.toLowerCase(Locale.ROOT), MessageParquetBenchmark.MESSAGES, List.of(
                    new Variant("deltaq", () -> bench.encodeDeltaq(m), null),
                    new Variant("deltaq+file", () -> bench.encodeDeltaqToFile(m), null),
                    new Variant("kernel", () -> bench.encodeKernel(m, out), () -> {
                        try {
                            out.delete();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }))));
            for (String writer : List.of("deltaq", "kernel")) {
                MessageParquetBenchmark.EncodedFile f = new MessageParquetBenchmark.EncodedFile();
                f.fileWriter = writer;
                f.setUp(m);
                groups.add(new Group("decode, " + codec.toLowerCase(Locale.ROOT) + ", file by " + writer,
                        MessageParquetBenchmark.MESSAGES, List.of(
                        new Variant("deltaq", () -> bench.decodeDeltaq(m, f), null),
                        new Variant("deltaq+file", () -> bench.decodeDeltaqFromFile(m, f), null),
                        new Variant("kernel", () -> bench.decodeKernel(m, f), null))));
            }
        }

        System.err.printf("warm-up: %d variants, 1 s each%n", groups.stream().mapToInt(g -> g.variants().size()).sum());
        for (Group g : groups) {
            for (Variant v : g.variants()) {
                slice(v, 1_000_000_000L);
            }
        }
        for (int round = 0; round < rounds; round++) {
            for (Group g : groups) {
                int n = g.variants().size();
                double[] nanos = new double[n];
                for (int k = 0; k < n; k++) {
                    int i = (k + round) % n;
                    nanos[i] = slice(g.variants().get(i), sliceNanos);
                }
                g.nanosPerOp().add(nanos);
            }
            System.err.printf("round %d/%d done%n", round + 1, rounds);
        }
        print(groups, rounds, sliceNanos);
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    /** Runs {@code v} for about {@code budgetNanos}; returns the mean time of one call in ns. */
    private static double slice(Variant v, long budgetNanos) throws Exception {
        long measured = 0;
        long calls = 0;
        long acc = 0;
        long end = System.nanoTime() + budgetNanos;
        do {
            long start = System.nanoTime();
            Object result = v.call().call();
            measured += System.nanoTime() - start;
            calls++;
            acc += result == null ? 0 : result.hashCode();
            if (v.cleanup() != null) {
                v.cleanup().run();
            }
        } while (System.nanoTime() < end);
        sink += acc;
        return (double) measured / calls;
    }

    private static void print(List<Group> groups, int rounds, long sliceNanos) {
        System.out.printf("Interleaved, %d rounds, %d ms slices; medians over rounds; ratio = variant / deltaq "
                + "time, median of the per-round ratios (above 1: slower than deltaq in memory).%n%n", rounds,
                sliceNanos / 1_000_000);
        System.out.println("| operation | variant | time per op (µs) | per second | vs deltaq |");
        System.out.println("|---|---|---:|---:|---:|");
        for (Group g : groups) {
            for (int i = 0; i < g.variants().size(); i++) {
                double[] nanos = new double[g.nanosPerOp().size()];
                double[] ratios = new double[nanos.length];
                for (int r = 0; r < nanos.length; r++) {
                    nanos[r] = g.nanosPerOp().get(r)[i];
                    ratios[r] = nanos[r] / g.nanosPerOp().get(r)[0];
                }
                double median = median(nanos);
                String perSecond = g.itemsPerOp() == 1
                        ? String.format(Locale.ROOT, "%,.0f ops", 1e9 / median)
                        : String.format(Locale.ROOT, "%,.0f msgs", g.itemsPerOp() * 1e9 / median);
                System.out.printf(Locale.ROOT, "| %s | %s | %,.1f | %s | %.2fx |%n", g.name(), g.variants().get(i).name(),
                        median / 1_000, perSecond, median(ratios));
            }
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
