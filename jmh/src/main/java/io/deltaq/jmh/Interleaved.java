package io.deltaq.jmh;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;

/**
 * Cross-checks for a busy machine: every variant of every group in one JVM, taking turns in short
 * time slices (order rotating every round), so load that comes and goes hits the variants of a
 * group alike. Per round it records each variant's time per operation; it reports the median over
 * rounds and the median of the per-round ratios to the group's first variant (the baseline).
 *
 * <p>Not JMH: one JVM, {@code System.nanoTime} around each call, results folded into a sink. The JMH
 * classes stay the reference for absolute numbers on a quiet machine; this is for the ratios.
 */
public final class Interleaved {

    private static volatile long sink;

    /**
     * One measured operation.
     *
     * @param before runs before each call, outside the timing (null for nothing)
     * @param after runs after each call, outside the timing (null for nothing)
     * @param requests a running count of storage requests, to report requests per operation (null: not reported)
     */
    public record Variant(String name, Runnable before, Callable<Object> call, Runnable after, LongSupplier requests) {

        public Variant(String name, Callable<Object> call) {
            this(name, null, call, null, null);
        }
    }

    /** Variants compared with each other; the first is the baseline of the ratios. */
    public record Group(String name, int itemsPerOp, List<Variant> variants, List<double[]> nanosPerOp,
                        double[] requestsPerOp) {

        public Group(String name, int itemsPerOp, List<Variant> variants) {
            this(name, itemsPerOp, List.copyOf(variants), new ArrayList<>(), new double[variants.size()]);
        }
    }

    private Interleaved() {
    }

    /** Warms every variant up for {@code warmUpNanos}, then runs {@code rounds} rounds of {@code sliceNanos} slices. */
    public static void run(List<Group> groups, int rounds, long sliceNanos, long warmUpNanos) throws Exception {
        System.err.printf("warm-up: %d variants, %d ms each%n",
                groups.stream().mapToInt(g -> g.variants().size()).sum(), warmUpNanos / 1_000_000);
        for (Group g : groups) {
            for (Variant v : g.variants()) {
                slice(v, warmUpNanos, null);
            }
        }
        for (int round = 0; round < rounds; round++) {
            for (Group g : groups) {
                int n = g.variants().size();
                double[] nanos = new double[n];
                for (int k = 0; k < n; k++) {
                    int i = (k + round) % n;
                    double[] requests = new double[1];
                    nanos[i] = slice(g.variants().get(i), sliceNanos, requests);
                    // The last round's figure: request counts do not vary with load.
                    g.requestsPerOp()[i] = requests[0];
                }
                g.nanosPerOp().add(nanos);
            }
            System.err.printf("round %d/%d done%n", round + 1, rounds);
        }
    }

    /**
     * Runs {@code v} for about {@code budgetNanos} (at least once); returns the mean time of one call
     * in ns and, into {@code requestsPerOp[0]} when given, the mean storage requests of one call.
     */
    private static double slice(Variant v, long budgetNanos, double[] requestsPerOp) throws Exception {
        long measured = 0;
        long calls = 0;
        long requests = 0;
        long acc = 0;
        long end = System.nanoTime() + budgetNanos;
        do {
            if (v.before() != null) {
                v.before().run();
            }
            long requestsBefore = v.requests() == null ? 0 : v.requests().getAsLong();
            long start = System.nanoTime();
            Object result = v.call().call();
            measured += System.nanoTime() - start;
            requests += v.requests() == null ? 0 : v.requests().getAsLong() - requestsBefore;
            calls++;
            acc += result == null ? 0 : result.hashCode();
            if (v.after() != null) {
                v.after().run();
            }
        } while (System.nanoTime() < end);
        sink += acc;
        if (requestsPerOp != null) {
            requestsPerOp[0] = (double) requests / calls;
        }
        return (double) measured / calls;
    }

    /**
     * The Markdown table: per group and variant, the median time per operation, operations (or items)
     * per second at that median, the median per-round ratio to the baseline and, when the variants
     * count them, storage requests per operation.
     */
    public static void print(List<Group> groups, PrintStream out) {
        boolean withRequests = groups.stream().flatMap(g -> g.variants().stream()).anyMatch(v -> v.requests() != null);
        out.println("| operation | variant | time per op (µs) | per second | vs " + groups.get(0).variants().get(0).name()
                + " |" + (withRequests ? " requests per op |" : ""));
        out.println("|---|---|---:|---:|---:|" + (withRequests ? "---:|" : ""));
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
                Variant v = g.variants().get(i);
                out.printf(Locale.ROOT, "| %s | %s | %,.1f | %s | %.2fx |%s%n", g.name(), v.name(), median / 1_000,
                        perSecond, median(ratios), !withRequests ? ""
                                : v.requests() == null ? " - |" : String.format(Locale.ROOT, " %.1f |", g.requestsPerOp()[i]));
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
