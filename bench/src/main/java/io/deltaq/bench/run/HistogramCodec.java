package io.deltaq.bench.run;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;

import org.HdrHistogram.Histogram;

/** Latency histograms on one text line: HdrHistogram's compressed encoding in base64. */
final class HistogramCodec {

    /** Largest latency recorded, in microseconds; longer ones are clamped to it. */
    static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);
    static final int SIGNIFICANT_DIGITS = 3;

    private HistogramCodec() {
    }

    static String encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
    }

    static Histogram decode(String text) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(text)), 0);
        } catch (DataFormatException | IllegalArgumentException e) {
            throw new IllegalStateException("a worker sent an unreadable histogram: " + e.getMessage(), e);
        }
    }

    static Histogram empty() {
        return new Histogram(HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    }

    /** {@code nanos} (any range and precision) as a histogram of microseconds that {@link #encode} and adding take. */
    static Histogram micros(Histogram nanos) {
        Histogram micros = empty();
        for (org.HdrHistogram.HistogramIterationValue v : nanos.recordedValues()) {
            micros.recordValueWithCount(clamp(v.getValueIteratedTo() / 1_000), v.getCountAtValueIteratedTo());
        }
        return micros;
    }

    static long clamp(long micros) {
        return micros < 0 ? 0 : Math.min(micros, HIGHEST_MICROS);
    }
}
