package io.deltaq.jmh.paths;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.deltaq.jmh.FloorTable;

/**
 * The paths suite's results as a Markdown table, for {@code bin/jmh --table} ({@link FloorTable}):
 * per path, store and batch size, deltaq's p50 next to each Kernel variant's and the ratio
 * Kernel / deltaq, with messages per second at the p50 for the paths that move messages. Then the
 * issue's targets, judged on the same figures: deltaq's commit of 10,000 messages at least
 * {@value #COMMIT_TARGET}x faster than Kernel's, and its discovery at least {@value #DISCOVERY_TARGET}x
 * faster than the fastest Kernel variant.
 */
public final class PathsTable {

    static final double COMMIT_TARGET = 5;
    static final int COMMIT_TARGET_MESSAGES = 10_000;
    static final double DISCOVERY_TARGET = 3;

    /** The benchmark classes and their paths, in the table's order. */
    private static final Map<String, String> PATHS = new LinkedHashMap<>(Map.of(
            CommitPathBenchmark.class.getSimpleName(), "commit",
            PollPathBenchmark.class.getSimpleName(), "poll",
            DiscoveryBenchmark.class.getSimpleName(), "discovery"));
    private static final List<String> PATH_ORDER = List.of("commit", "poll", "discovery");
    private static final List<String> STORE_ORDER = List.of("s3", "local");

    private PathsTable() {
    }

    /** The results of the paths suite among {@code results}. */
    public static List<FloorTable.Result> select(List<FloorTable.Result> results) {
        List<FloorTable.Result> selected = new ArrayList<>();
        for (FloorTable.Result r : results) {
            if (r.benchmark().startsWith(PathsTable.class.getPackageName() + ".") && PATHS.containsKey(r.className())) {
                selected.add(r);
            }
        }
        return selected;
    }

    /** Prints {@code results} (of {@link #select}) grouped by path, store ({@code s3} first) and batch size. */
    public static void print(List<FloorTable.Result> results, PrintStream out) {
        List<FloorTable.Result> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparingInt((FloorTable.Result r) -> PATH_ORDER.indexOf(PATHS.get(r.className())))
                .thenComparingInt(r -> STORE_ORDER.indexOf(r.param("store")))
                .thenComparingLong(r -> r.param("messages").equals("-") ? 0 : Long.parseLong(r.param("messages"))));
        Map<String, List<FloorTable.Result>> groups = new LinkedHashMap<>();
        for (FloorTable.Result r : sorted) {
            String key = PATHS.get(r.className()) + "|" + r.param("store") + "|" + r.param("messages");
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        out.println("| path | store | messages | Kernel variant | deltaq p50 (ms) | Kernel p50 (ms) | Kernel / deltaq "
                + "| deltaq msg/s | Kernel msg/s | samples (deltaq / Kernel) |");
        out.println("|---|---|---:|---|---:|---:|---:|---:|---:|---:|");
        List<String> verdicts = new ArrayList<>();
        for (List<FloorTable.Result> group : groups.values()) {
            FloorTable.Result deltaq = group.stream().filter(r -> r.param("impl").equals(Appender.DELTAQ))
                    .findFirst().orElse(null);
            String path = PATHS.get(group.get(0).className());
            String store = group.get(0).param("store");
            String messages = group.get(0).param("messages");
            double fastestKernel = Double.NaN;
            for (FloorTable.Result kernel : group) {
                if (kernel == deltaq) {
                    continue;
                }
                checkUnit(deltaq);
                checkUnit(kernel);
                double ratio = deltaq == null ? Double.NaN : kernel.p50() / deltaq.p50();
                out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %d |%n", path, store,
                        messages.equals("-") ? "-" : String.format(Locale.ROOT, "%,d", Long.parseLong(messages)),
                        kernel.param("impl"), ms(deltaq), ms(kernel), Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT,
                                "%.2fx", ratio), rate(messages, deltaq), rate(messages, kernel),
                        deltaq == null ? "-" : Long.toString(deltaq.samples()), kernel.samples());
                if (!(kernel.p50() >= fastestKernel)) {
                    fastestKernel = kernel.p50();
                }
            }
            if (deltaq == null || Double.isNaN(fastestKernel)) {
                continue;
            }
            double ratio = fastestKernel / deltaq.p50();
            if (path.equals("commit") && messages.equals(Integer.toString(COMMIT_TARGET_MESSAGES))) {
                verdicts.add(verdict("commit of 10,000 messages", store, ratio, COMMIT_TARGET, "Kernel's"));
            } else if (path.equals("discovery")) {
                verdicts.add(verdict("discovery of a new version", store, ratio, DISCOVERY_TARGET, "the fastest Kernel variant's"));
            }
        }
        if (!verdicts.isEmpty()) {
            out.println();
            verdicts.forEach(v -> out.println("- " + v));
        }
    }

    private static String verdict(String what, String store, double ratio, double target, String other) {
        return String.format(Locale.ROOT, "%s, %s: deltaq's p50 is %.2fx faster than %s (target %.0fx): %s", what, store,
                ratio, other, target, ratio >= target ? "met" : "NOT met");
    }

    private static void checkUnit(FloorTable.Result result) {
        if (result != null && !result.unit().equals("ms/op")) {
            throw new IllegalArgumentException(result.benchmark() + " is in " + result.unit() + ", expected ms/op");
        }
    }

    private static String ms(FloorTable.Result result) {
        if (result == null) {
            return "-";
        }
        return String.format(Locale.ROOT, result.p50() < 10 ? "%.3f" : "%.1f", result.p50());
    }

    private static String rate(String messages, FloorTable.Result result) {
        if (result == null || messages.equals("-")) {
            return "-";
        }
        return String.format(Locale.ROOT, "%,.0f", Long.parseLong(messages) * 1_000 / result.p50());
    }
}
