package io.deltaq.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Spark with Delta Lake in a JVM of its own: {@code io.deltaq.sparktool.SparkTool} from the
 * spark-tool module, on the class path that module's build wrote. Commands and answers are lines
 * (see SparkTool); each answer is awaited with a timeout, and Spark's log goes to a file.
 */
final class SparkProcess implements AutoCloseable {

    /** Spark 4 on Java 17 reaches into these JDK internals (Spark's own launcher passes the same). */
    private static final List<String> OPENS = List.of(
            "java.base/java.lang", "java.base/java.lang.invoke", "java.base/java.lang.reflect", "java.base/java.io",
            "java.base/java.net", "java.base/java.nio", "java.base/java.util", "java.base/java.util.concurrent",
            "java.base/java.util.concurrent.atomic", "java.base/sun.nio.ch", "java.base/sun.nio.cs",
            "java.base/sun.security.action", "java.base/sun.util.calendar");
    private static final long START_TIMEOUT_S = 120;
    private static final long COMMAND_TIMEOUT_S = 180;
    private static final String EXITED = "\u0000exited";

    /** What one command printed: its rows, and the words after OK. */
    record Answer(List<String> rows, String ok) {
    }

    private final Process process;
    private final PrintStream in;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path log;

    SparkProcess(Path scratch) throws Exception {
        Path target = Path.of(System.getProperty("deltaq.sparkTool"));
        Path classPathFile = target.resolve("classpath.txt");
        if (!Files.isRegularFile(classPathFile)) {
            throw new IllegalStateException(classPathFile + " is missing: build the spark-tool module first"
                    + " (mvn -pl spark-tool process-classes, or any build of the whole project)");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        for (String open : OPENS) {
            command.add("--add-opens=" + open + "=ALL-UNNAMED");
        }
        command.add("-Djdk.reflect.useDirectMethodHandle=false");
        command.add("-Djava.io.tmpdir=" + scratch);
        command.add("-cp");
        command.add(target.resolve("classes") + java.io.File.pathSeparator
                + Files.readString(classPathFile, StandardCharsets.UTF_8).trim());
        command.add("io.deltaq.sparktool.SparkTool");
        this.log = scratch.resolve("spark.log");
        this.process = new ProcessBuilder(command).directory(scratch.toFile())
                .redirectError(log.toFile()).start();
        this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The process ended: EXITED below says so.
            }
            lines.add(EXITED);
        }, "spark-process-stdout");
        reader.setDaemon(true);
        reader.start();
        String ready = next(START_TIMEOUT_S);
        if (!"READY".equals(ready)) {
            throw failure("Spark did not start: " + ready);
        }
    }

    /** Sends {@code command} and waits for its rows and its OK. */
    Answer run(String command) throws Exception {
        in.println(command);
        List<String> rows = new ArrayList<>();
        while (true) {
            String line = next(COMMAND_TIMEOUT_S);
            if (line.startsWith("ROW ")) {
                rows.add(line.substring(4));
            } else if (line.equals("OK") || line.startsWith("OK ")) {
                return new Answer(rows, line.length() > 3 ? line.substring(3) : "");
            } else {
                throw failure("'" + command + "' answered: " + line);
            }
        }
    }

    private String next(long timeoutS) throws Exception {
        String line = lines.poll(timeoutS, TimeUnit.SECONDS);
        if (line == null) {
            throw failure("no answer from Spark within " + timeoutS + " s");
        }
        if (line.equals(EXITED)) {
            throw failure("Spark exited with status " + process.waitFor());
        }
        return line;
    }

    private AssertionError failure(String what) throws IOException {
        List<String> tail = Files.readAllLines(log, StandardCharsets.UTF_8);
        return new AssertionError(what + "; the end of its log (" + log + "):\n"
                + String.join("\n", tail.subList(Math.max(0, tail.size() - 40), tail.size())));
    }

    @Override
    public void close() throws Exception {
        try {
            if (process.isAlive()) {
                in.println("quit");
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } finally {
            in.close();
        }
    }
}
