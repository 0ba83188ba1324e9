package io.deltaq.bench.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleBinaryOperator;
import java.util.function.ToDoubleFunction;

import com.fasterxml.jackson.core.JsonGenerator;
import io.deltaq.bench.driver.DeltaqDriver;
import io.deltaq.bench.driver.TopicSample;
import org.HdrHistogram.Histogram;

/**
 * A soak run's figures, one sample per sampling period: what the topic costs in storage (sampled
 * by the coordinator at the end of each period), what the workers' ticks said during the period
 * (latency, memory, requests), each figure's {@link Trend} verdict, and their report.
 */
final class SoakSeries {

    /**
     * One figure over time.
     *
     * @param key its name in summary.json and in its chart's file name
     * @param floor the least rise, in {@code unit}, that can count as growth
     */
    record Figure(String key, String title, String unit, double floor, double[] values, Trend.Verdict verdict) {
    }

    private final Soak soak;
    private final long warmupEndMicros;
    private final long periodMicros;
    private final int samples;
    private final TopicSample[] topic;
    private final String[] sampleErrors;
    private final Histogram[] latency;
    private List<Figure> figures = List.of();

    SoakSeries(Soak soak, long warmupEndMicros) {
        this.soak = soak;
        this.warmupEndMicros = warmupEndMicros;
        this.periodMicros = soak.sampleSeconds() * 1_000_000L;
        this.samples = soak.samples();
        this.topic = new TopicSample[samples];
        this.sampleErrors = new String[samples];
        this.latency = new Histogram[samples];
        for (int i = 0; i < samples; i++) {
            latency[i] = HistogramCodec.empty();
        }
    }

    int samples() {
        return samples;
    }

    /** When sample {@code i} (0-based) is due: the end of its period. */
    long dueMicros(int i) {
        return warmupEndMicros + (i + 1) * periodMicros;
    }

    /** The period a tick at {@code t} closes, 0-based, or -1 when it is outside every period. */
    int period(long t) {
        if (t <= warmupEndMicros) {
            return -1;
        }
        long k = (t - warmupEndMicros + periodMicros - 1) / periodMicros - 1;
        return k < samples ? (int) k : -1;
    }

    /**
     * Whether sample {@code i}, started at {@code nowMicros}, still stands for the end of its period:
     * within half a period of it. Later, it would show a later table (after the run, one at rest)
     * under the period's time, so the sampler skips it.
     */
    boolean onTime(int i, long nowMicros) {
        return nowMicros - dueMicros(i) <= periodMicros / 2;
    }

    synchronized void topic(int i, TopicSample sample) {
        topic[i] = sample;
    }

    synchronized void sampleFailed(int i, String why) {
        sampleErrors[i] = why;
    }

    /** A consumer tick's interval histogram, into the period it closes. */
    void latency(long t, Histogram interval) {
        int k = period(t);
        if (k >= 0) {
            latency[k].add(interval);
        }
    }

    /** Derives every figure once the run is over, from the samples and the workers' ticks. */
    synchronized void finish(List<Map<String, String>> producerTicks, List<Map<String, String>> consumerTicks) {
        double[] times = Trend.times(samples, soak.sampleSeconds());
        List<Figure> list = new ArrayList<>();
        list.add(figure(times, "liveFiles", "live data files", "files", 5, s -> s.liveFiles()));
        list.add(figure(times, "objects", "objects under the table", "objects", 20, s -> s.objects()));
        list.add(figure(times, "logFiles", "log files under _delta_log/", "files", 10, s -> s.logObjects()));
        list.add(figure(times, "checkpointKiB", "newest checkpoint", "KiB", 64,
                s -> s.checkpointBytes() < 0 ? Double.NaN : s.checkpointBytes() / 1024.0));
        list.add(figure(times, "checkpointWriteMs", "checkpoint write time", "ms", 50,
                last(producerTicks, DeltaqDriver.LAST_CHECKPOINT_MS, 1)));
        list.add(figure(times, "coldStartMs", "cold start of a consumer at the head", "ms", 50, s -> s.coldStartMs()));
        list.add(figure(times, "producerHeapAfterGcMiB", "producer live heap (after a full GC)", "MiB", 16,
                min(producerTicks, "heapAfterGcBytes", 1048576.0)));
        list.add(figure(times, "producerRssMiB", "producer resident set", "MiB", 32,
                last(producerTicks, "rssBytes", 1048576.0)));
        list.add(figure(times, "consumerHeapAfterGcMiB", "consumer live heap (after a full GC)", "MiB", 16,
                min(consumerTicks, "heapAfterGcBytes", 1048576.0)));
        list.add(figure(times, "consumerRssMiB", "consumer resident set", "MiB", 32,
                last(consumerTicks, "rssBytes", 1048576.0)));
        list.add(figure(times, "p50Ms", "end-to-end p50", "ms", 5, percentile(50)));
        list.add(figure(times, "p99Ms", "end-to-end p99", "ms", 20, percentile(99)));
        double[] producerRequests = perSecond(producerTicks, "storeRequests");
        double[] consumerRequests = perSecond(consumerTicks, "storeRequests");
        double[] requests = new double[samples];
        for (int i = 0; i < samples; i++) {
            requests[i] = producerRequests[i] + consumerRequests[i];
        }
        list.add(figure(times, "s3RequestsPerSecond", "S3 requests/s (producers + consumers)", "req/s", 5, requests));
        figures = List.copyOf(list);
    }

    List<Figure> figures() {
        return figures;
    }

    private Figure figure(double[] times, String key, String title, String unit, double floor,
            ToDoubleFunction<TopicSample> value) {
        double[] values = new double[samples];
        for (int i = 0; i < samples; i++) {
            values[i] = topic[i] == null ? Double.NaN : value.applyAsDouble(topic[i]);
        }
        return figure(times, key, title, unit, floor, values);
    }

    private static Figure figure(double[] times, String key, String title, String unit, double floor, double[] values) {
        return new Figure(key, title, unit, floor, values, Trend.judge(times, values, floor));
    }

    private double[] percentile(double p) {
        double[] values = new double[samples];
        for (int i = 0; i < samples; i++) {
            values[i] = latency[i].getTotalCount() == 0 ? Double.NaN : latency[i].getValueAtPercentile(p) / 1000.0;
        }
        return values;
    }

    /** A gauge's value at the last tick of each period, divided by {@code scale}; NaN where no tick has it. */
    private double[] last(List<Map<String, String>> ticks, String field, double scale) {
        return perPeriod(ticks, field, scale, (earlier, later) -> later);
    }

    /** A gauge's least value over each period's ticks: heap after GC, whose low point (the forced full GC) is what is live. */
    private double[] min(List<Map<String, String>> ticks, String field, double scale) {
        return perPeriod(ticks, field, scale, Math::min);
    }

    /** A gauge's values over each period's ticks, divided by {@code scale}, folded in tick order; NaN where no tick has it. */
    private double[] perPeriod(List<Map<String, String>> ticks, String field, double scale, DoubleBinaryOperator fold) {
        double[] values = new double[samples];
        Arrays.fill(values, Double.NaN);
        for (Map<String, String> tick : ticks) {
            int k = period(Figures.value(tick, "t"));
            if (k >= 0 && tick.containsKey(field)) {
                double v = Figures.value(tick, field) / scale;
                values[k] = Double.isNaN(values[k]) ? v : fold.applyAsDouble(values[k], v);
            }
        }
        return values;
    }

    /**
     * A counter's rate over each period: from the last tick before the period (the last before the
     * warm-up ended, for the first) to the period's last tick. 0 where the ticks lack the counter.
     */
    private double[] perSecond(List<Map<String, String>> ticks, String counter) {
        double[] values = new double[samples];
        Arrays.fill(values, Double.NaN);
        Map<String, String> before = null;
        Map<String, String>[] lastOf = lastTickOfEachPeriod(ticks);
        for (Map<String, String> tick : ticks) {
            if (Figures.value(tick, "t") <= warmupEndMicros) {
                before = tick;
            }
        }
        for (int k = 0; k < samples; k++) {
            Map<String, String> end = lastOf[k];
            if (end == null) {
                continue;
            }
            if (before != null && end.containsKey(counter)) {
                double seconds = (Figures.value(end, "t") - Figures.value(before, "t")) / 1e6;
                values[k] = seconds <= 0 ? Double.NaN
                        : (Figures.value(end, counter) - Figures.value(before, counter)) / seconds;
            }
            before = end;
        }
        return values;
    }

    @SuppressWarnings("unchecked")
    private Map<String, String>[] lastTickOfEachPeriod(List<Map<String, String>> ticks) {
        Map<String, String>[] last = new Map[samples];
        for (Map<String, String> tick : ticks) {
            int k = period(Figures.value(tick, "t"));
            if (k >= 0) {
                last[k] = tick;
            }
        }
        return last;
    }

    /* ------------------------------ reports ------------------------------ */

    /** Every figure judged and none growing: flat; any growing: growing; nothing judged: n/a. */
    Trend.Kind overall() {
        boolean judged = false;
        for (Figure f : figures) {
            if (f.verdict().kind() == Trend.Kind.GROWING) {
                return Trend.Kind.GROWING;
            }
            judged |= f.verdict().kind() == Trend.Kind.FLAT;
        }
        return judged ? Trend.Kind.FLAT : Trend.Kind.UNKNOWN;
    }

    String overallLine() {
        List<String> growing = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (Figure f : figures) {
            if (f.verdict().kind() == Trend.Kind.GROWING) {
                growing.add(f.title());
            } else if (f.verdict().kind() == Trend.Kind.UNKNOWN) {
                unknown.add(f.title());
            }
        }
        String notJudged = unknown.isEmpty() ? "" : " (not judged: " + String.join(", ", unknown) + ")";
        return switch (overall()) {
            case FLAT -> "**Overall: flat**: no figure grows over the last two thirds of the run" + notJudged;
            case GROWING -> "**Overall: growing**: " + String.join(", ", growing) + notJudged;
            case UNKNOWN -> "**Overall: n/a**: the run was too short to judge (" + Trend.MIN_SAMPLES
                    + " samples are needed in the last two thirds)";
        };
    }

    void markdown(StringBuilder md, String producerMaintenance, boolean sharedJvm) {
        md.append("\n## Soak\n\n");
        md.append(String.format(Locale.ROOT, "- %d s at one rate, sampled every %d s from the end of the warm-up"
                + " (%d samples)%n", soak.seconds(), soak.sampleSeconds(), samples));
        md.append("- table properties at creation: ");
        List<String> properties = new ArrayList<>();
        soak.tableProperties().forEach((k, v) -> properties.add("`" + k + "=" + v + "`"
                + (soak.overridden().contains(k) ? " (--table-property)" : "")));
        md.append(String.join(", ", properties)).append('\n');
        md.append("- maintenance: ").append(producerMaintenance).append('\n');
        md.append("- storage figures (files, objects, checkpoint, cold start) are sampled by the coordinator at the end"
                + " of each period: the latest snapshot's live files; a listing of every object under the table and"
                + " of `_delta_log/`; the newest checkpoint's bytes in that listing; a new consumer (`start=latest`, no"
                + " name) timed from its creation until it has resolved its start position. Latency, live heap"
                + " (the least over the period's ticks of the heap in use right after the latest collection; each worker"
                + " forces a full collection once a period, whose pause is in the latency figures), resident"
                + " set (at the period's last tick) and S3 requests (the producers' and consumers' stores, each request"
                + " counted once with its retries; the coordinator's sampling excluded) come from the workers' ticks"
                + (sharedJvm ? "; in-process, producer and consumer memory are the one shared JVM's" : "") + ".\n");
        md.append("- verdict per figure: ").append(Trend.rule()).append('\n');
        md.append("\n").append(overallLine()).append("\n\n");

        md.append("| figure | verdict | median, last ⅔ | fitted rise, last ⅔ | floor | chart |\n");
        md.append("|---|---|---:|---:|---:|---|\n");
        for (Figure f : figures) {
            Trend.Verdict v = f.verdict();
            md.append(String.format(Locale.ROOT, "| %s (%s) | %s | %s | %s | %s | [%s](%s) |%n", f.title(), f.unit(),
                    v.kind() == Trend.Kind.GROWING ? "**growing**" : v.word(), number(v.median()),
                    Double.isNaN(v.rise()) ? "–" : (v.rise() >= 0 ? "+" : "") + number(v.rise()),
                    number(f.floor()), chartFile(f), chartFile(f)));
        }
        md.append("\n| time |");
        for (Figure f : figures) {
            md.append(' ').append(shortTitle(f)).append(" |");
        }
        md.append("\n|---:|");
        md.append("---:|".repeat(figures.size())).append('\n');
        for (int i = 0; i < samples; i++) {
            md.append("| ").append(clock((i + 1) * soak.sampleSeconds())).append(" |");
            for (Figure f : figures) {
                md.append(' ').append(f.key().equals("checkpointWriteMs") && Double.isNaN(f.values()[i]) ? "n/a"
                        : number(f.values()[i])).append(" |");
            }
            md.append('\n');
        }
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            if (sampleErrors[i] != null) {
                errors.add(clock((i + 1) * soak.sampleSeconds()) + ": " + sampleErrors[i]);
            }
        }
        if (!errors.isEmpty()) {
            md.append("\nSamples that failed or were skipped:\n\n");
            errors.forEach(e -> md.append("- ").append(e.replace('\n', ' ')).append('\n'));
        }
        boolean noCheckpointTime = figures.stream().anyMatch(f -> f.key().equals("checkpointWriteMs")
                && f.verdict().kind() == Trend.Kind.UNKNOWN);
        if (noCheckpointTime) {
            md.append("\nCheckpoint write time: n/a, too few periods in which the producer wrote a checkpoint (it"
                    + " reports the time of each one it writes); the checkpoint's size is read from storage.\n");
        }
    }

    void writeCharts(Path dir) throws IOException {
        for (Figure f : figures) {
            List<SvgChart.Point> points = new ArrayList<>();
            for (int i = 0; i < samples; i++) {
                points.add(new SvgChart.Point((i + 1) * soak.sampleSeconds() / 60.0, f.values()[i]));
            }
            String chart = new SvgChart(f.title() + ": " + f.verdict().word(), "minutes since the end of the warm-up",
                    f.unit()).linearY().xFrom(0).add(new SvgChart.Series(f.title(), "#1f77b4", "", points)).render();
            Files.writeString(dir.resolve(chartFile(f)), chart, StandardCharsets.UTF_8);
        }
    }

    void json(JsonGenerator json) throws IOException {
        json.writeObjectFieldStart("soak");
        json.writeNumberField("seconds", soak.seconds());
        json.writeNumberField("sampleSeconds", soak.sampleSeconds());
        json.writeObjectFieldStart("tableProperties");
        for (Map.Entry<String, String> e : soak.tableProperties().entrySet()) {
            json.writeStringField(e.getKey(), e.getValue());
        }
        json.writeEndObject();
        json.writeBooleanField("maintenance", soak.maintenance());
        json.writeStringField("overall", overall() == Trend.Kind.UNKNOWN ? "n/a" : overall().name().toLowerCase(Locale.ROOT));
        json.writeArrayFieldStart("times");
        for (int i = 0; i < samples; i++) {
            json.writeNumber((i + 1) * soak.sampleSeconds());
        }
        json.writeEndArray();
        json.writeObjectFieldStart("figures");
        for (Figure f : figures) {
            json.writeObjectFieldStart(f.key());
            json.writeStringField("unit", f.unit());
            json.writeStringField("verdict", f.verdict().word());
            Reports.number(json, "windowMedian", f.verdict().median());
            Reports.number(json, "fittedRise", f.verdict().rise());
            Reports.number(json, "floor", f.floor());
            json.writeArrayFieldStart("values");
            for (double v : f.values()) {
                if (Double.isFinite(v)) {
                    json.writeNumber(Math.round(v * 1000) / 1000.0);
                } else {
                    json.writeNull();
                }
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndObject();
        json.writeArrayFieldStart("sampleErrors");
        for (String e : sampleErrors) {
            if (e != null) {
                json.writeString(e);
            }
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    static String chartFile(Figure f) {
        return "soak-" + f.key() + ".svg";
    }

    private static String shortTitle(Figure f) {
        return switch (f.key()) {
            case "liveFiles" -> "live files";
            case "objects" -> "objects";
            case "logFiles" -> "log files";
            case "checkpointKiB" -> "checkpoint KiB";
            case "checkpointWriteMs" -> "checkpoint write ms";
            case "coldStartMs" -> "cold start ms";
            case "producerHeapAfterGcMiB" -> "producer live heap MiB";
            case "producerRssMiB" -> "producer RSS MiB";
            case "consumerHeapAfterGcMiB" -> "consumer live heap MiB";
            case "consumerRssMiB" -> "consumer RSS MiB";
            case "p50Ms" -> "p50 ms";
            case "p99Ms" -> "p99 ms";
            case "s3RequestsPerSecond" -> "S3 req/s";
            default -> f.title();
        };
    }

    static String clock(int seconds) {
        return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }

    static String number(double v) {
        if (!Double.isFinite(v)) {
            return "–";
        }
        double a = Math.abs(v);
        return a >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : a >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }
}
