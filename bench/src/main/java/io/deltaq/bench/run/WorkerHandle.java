package io.deltaq.bench.run;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's end of one worker: sends control lines, and delivers the worker's protocol
 * lines to a shared queue as {@link Event}s, then one event with a null line when the worker has
 * ended. {@link #close()} always ends and reaps it.
 */
abstract class WorkerHandle implements AutoCloseable {

    /** A protocol line from a worker (without the prefix), or its end (null line). */
    record Event(WorkerHandle from, String line) {
    }

    final String name;
    final BlockingQueue<Event> events;

    WorkerHandle(String name, BlockingQueue<Event> events) {
        this.name = name;
        this.events = events;
    }

    abstract void send(String line);

    /** How the worker ended, or that it is still running. */
    abstract String exitDescription();

    /** The end of the worker's diagnostics (its stderr), for error messages. */
    abstract String diagnostics();

    /**
     * Kills the worker without warning (SIGKILL: {@link Process#destroyForcibly()} on Linux) and
     * waits for it to be gone, as a crash of its machine would end it: nothing it buffered is
     * flushed, nothing it started is finished.
     */
    abstract void kill() throws InterruptedException;

    @Override
    public abstract void close();

    /** Starts {@code java -cp <this JVM's class path> WorkerMain} with stderr going to {@code log}. */
    static WorkerHandle launch(String name, List<String> jvmOptions, Path log, BlockingQueue<Event> events)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(WorkerMain.class.getName());
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
                .start();
        return new ChildJvm(name, process, log, events);
    }

    /** Runs a {@link Worker} on a thread of this JVM. */
    static WorkerHandle inProcess(String name, BlockingQueue<Event> events) {
        return new InProcess(name, events);
    }

    /** A worker JVM. Killed by a shutdown hook if the coordinator exits first. */
    private static final class ChildJvm extends WorkerHandle {
        private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                    "bench-worker-reaper"));
        }

        private final Process process;
        private final Path log;
        private final PrintWriter stdin;

        ChildJvm(String name, Process process, Path log, BlockingQueue<Event> events) {
            super(name, events);
            this.process = process;
            this.log = log;
            LIVE.add(process);
            Writer writer = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            this.stdin = new PrintWriter(writer, true);
            Thread reader = new Thread(this::pump, "bench-" + name + "-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        private void pump() {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(Wire.PREFIX)) {
                        events.add(new Event(this, line.substring(Wire.PREFIX.length())));
                    }
                }
            } catch (IOException e) {
                // The pipe broke: the worker is gone, which the end event says.
            }
            events.add(new Event(this, null));
        }

        @Override
        synchronized void send(String line) {
            stdin.println(line);
        }

        @Override
        String exitDescription() {
            return process.isAlive() ? "still running" : "exited with status " + process.exitValue();
        }

        @Override
        String diagnostics() {
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
            } catch (IOException e) {
                return "(no log: " + e.getMessage() + ")";
            }
        }

        @Override
        void kill() throws InterruptedException {
            process.destroyForcibly();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the " + name + " worker (pid " + process.pid()
                        + ") was still alive 30 s after SIGKILL");
            }
        }

        @Override
        public void close() {
            // End of input tells a worker still running that nobody listens; give it a moment to
            // exit by itself (a finished worker is closing its clients), then kill it.
            synchronized (this) {
                stdin.close();
            }
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroy();
                    if (!process.waitFor(5, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                        process.waitFor(30, TimeUnit.SECONDS);
                    }
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            } finally {
                LIVE.remove(process);
            }
        }
    }

    private static final class InProcess extends WorkerHandle {
        private static final String END = new String("end of input");

        private final BlockingQueue<String> input = new LinkedBlockingQueue<>();
        private final Thread thread;
        private volatile int status = -1;

        InProcess(String name, BlockingQueue<Event> events) {
            super(name, events);
            Worker worker = new Worker(() -> {
                String line = input.take();
                if (line == END) {
                    input.add(END); // every later read sees the end too
                    return null;
                }
                return line;
            }, line -> {
                if (line.startsWith(Wire.PREFIX)) {
                    events.add(new Event(this, line.substring(Wire.PREFIX.length())));
                }
            }, () -> { });
            this.thread = new Thread(() -> {
                try {
                    status = worker.run();
                } finally {
                    events.add(new Event(this, null));
                }
            }, "bench-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        void send(String line) {
            input.add(line);
        }

        @Override
        String exitDescription() {
            return thread.isAlive() ? "still running" : "ended with status " + status;
        }

        @Override
        String diagnostics() {
            return "(in-process worker: see the coordinator's stderr)";
        }

        @Override
        void kill() {
            throw new UnsupportedOperationException("an in-process worker cannot be killed");
        }

        @Override
        public void close() {
            input.add(END);
            try {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
