package io.deltaq.bench.run;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The line protocol between the coordinator and a worker: the worker's stdin and stdout when it
 * is a child JVM, two queues when it runs in the coordinator's JVM.
 *
 * <pre>
 * coordinator to worker            worker to coordinator (prefixed, so stray output is ignored)
 *   SPEC &lt;base64 properties&gt;        @dq READY                    clients open, ready to start
 *   START &lt;start&gt; &lt;warmupEnd&gt; &lt;end&gt;   @dq TICK t=&lt;micros&gt; k=v ...   once a second, and a last one
 *   EXPECT &lt;messages&gt;  (consumer)    @dq DONE k=v ...             finished; the worker exits
 *   END &lt;end&gt;,...  (consumer) done once each partition is delivered through its end (a chaos
 *                         run's restarts make counts meaningless)
 *   STOP  give up waiting            @dq FAIL &lt;text&gt;              failed; the worker exits
 *   end of input: coordinator gone, the worker exits at once
 * </pre>
 *
 * Times are wall-clock microseconds since the epoch.
 */
final class Wire {

    static final String PREFIX = "@dq ";
    static final String SPEC = "SPEC";
    static final String START = "START";
    static final String EXPECT = "EXPECT";
    static final String STOP = "STOP";
    static final String END = "END";
    static final String READY = "READY";
    static final String TICK = "TICK";
    static final String DONE = "DONE";
    static final String FAIL = "FAIL";

    private Wire() {
    }

    static String encodeSpec(Map<String, String> spec) {
        Properties props = new Properties();
        props.putAll(spec);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            props.store(bytes, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return SPEC + " " + Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    static Map<String, String> decodeSpec(String line) {
        if (!line.startsWith(SPEC + " ")) {
            throw new IllegalArgumentException("expected " + SPEC + " first, got '" + abbreviate(line) + "'");
        }
        Properties props = new Properties();
        try {
            props.load(new ByteArrayInputStream(Base64.getDecoder().decode(line.substring(SPEC.length() + 1))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> spec = new TreeMap<>();
        props.stringPropertyNames().forEach(k -> spec.put(k, props.getProperty(k)));
        return spec;
    }

    /** {@code k=v} words after the verb; values hold no spaces. */
    static Map<String, String> fields(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String word : body.trim().split(" +")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                fields.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return fields;
    }

    static String format(String verb, Map<String, ?> fields) {
        StringBuilder line = new StringBuilder(PREFIX).append(verb);
        fields.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        return line.toString();
    }

    /** Where each partition ends, for an {@link #END} line: {@code 12,40,7}. */
    static String formatEnd(long[] end) {
        StringBuilder text = new StringBuilder();
        for (long v : end) {
            text.append(text.length() == 0 ? "" : ",").append(v);
        }
        return text.toString();
    }

    static long[] parseEnd(String text) {
        String[] words = text.trim().split(",");
        long[] end = new long[words.length];
        for (int p = 0; p < words.length; p++) {
            end[p] = Long.parseLong(words[p]);
        }
        return end;
    }

    static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
