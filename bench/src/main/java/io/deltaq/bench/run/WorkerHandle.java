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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /** What {@code --worker-jvm-opts} writes for the worker's name: a file of its own per worker, e.g. an AOT cache. */
    static final String NAME_PLACEHOLDER = "{worker}";

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

    /** {@code jvmOptions} with {@value #NAME_PLACEHOLDER} replaced by the worker's {@code name}. */
    static List<String> optionsFor(String name, List<String> jvmOptions) {
        return jvmOptions.stream().map(option -> option.replace(NAME_PLACEHOLDER, name)).toList();
    }

    /** Runs a {@link Worker} on a thread of this JVM. */
    static WorkerHandle inProcess(String name, BlockingQueue<Event> events) {
        return new InProcess(name, events);
    }

    /**
     * Several workers of one role seen as one: each gets the spec with its own {@code extras} added
     * (which producers or group members it runs), every other control line goes to all, and their
     * lines come back as one worker's would: READY once all are, each TICK once every worker still
     * running has sent its own for that second ({@link TickMerge}), DONE once all are done, the first
     * FAIL at once, and a worker that ended without DONE as a FAIL that names it.
     *
     * @param launch starts member {@code i} sending its lines to the given queue
     * @param groupOf for consumers, the group of each member's consumer; null for producers
     */
    static WorkerHandle fleet(String name, List<Map<String, String>> extras, int[] groupOf,
            Launcher launch, BlockingQueue<Event> events) throws IOException {
        return new Fleet(name, extras, groupOf, launch, events);
    }

    /** Starts member {@code index} of a fleet. */
    interface Launcher {
        WorkerHandle launch(int index, BlockingQueue<Event> events) throws IOException;
    }

    private static final class Fleet extends WorkerHandle {
        private final List<WorkerHandle> members = new ArrayList<>();
        private final List<Map<String, String>> extras;
        private final int[] groupOf;
        private final BlockingQueue<Event> inner = new LinkedBlockingQueue<>();
        /** Per member: ticks not merged yet, and whether it said DONE, and whether it ended. */
        private final List<ArrayDeque<Map<String, String>>> pending = new ArrayList<>();
        private final Map<String, String>[] done;
        private final boolean[] ready;
        private final boolean[] ended;
        private final Thread pump;
        private volatile boolean failed;

        @SuppressWarnings("unchecked")
        Fleet(String name, List<Map<String, String>> extras, int[] groupOf, Launcher launch, BlockingQueue<Event> events)
                throws IOException {
            super(name, events);
            this.extras = extras;
            this.groupOf = groupOf;
            this.done = new Map[extras.size()];
            this.ready = new boolean[extras.size()];
            this.ended = new boolean[extras.size()];
            try {
                for (int i = 0; i < extras.size(); i++) {
                    members.add(launch.launch(i, inner));
                    pending.add(new ArrayDeque<>());
                }
            } catch (IOException | RuntimeException e) {
                members.forEach(WorkerHandle::close);
                throw e;
            }
            this.pump = new Thread(this::pump, "bench-" + name + "-merge");
            pump.setDaemon(true);
            pump.start();
        }

        private void pump() {
            int endedCount = 0;
            try {
                while (endedCount < members.size()) {
                    Event event = inner.take();
                    int i = members.indexOf(event.from());
                    String line = event.line();
                    if (line == null) {
                        ended[i] = true;
                        endedCount++;
                        if (done[i] == null && !failed) {
                            failed = true;
                            String diagnostics = event.from().diagnostics();
                            emit(Wire.FAIL + " the " + event.from().name + " worker ended unexpectedly ("
                                    + event.from().exitDescription() + ")" + (diagnostics.isBlank() ? ""
                                    : "; its last output: " + diagnostics.replace('\n', ' ')));
                        }
                        continue;
                    }
                    int space = line.indexOf(' ');
                    String verb = space < 0 ? line : line.substring(0, space);
                    String body = space < 0 ? "" : line.substring(space + 1);
                    switch (verb) {
                        case Wire.READY -> {
                            ready[i] = true;
                            if (allTrue(ready)) {
                                emit(Wire.READY);
                            }
                        }
                        case Wire.TICK -> {
                            pending.get(i).add(Wire.fields(body));
                            mergeTicks(false);
                        }
                        case Wire.DONE -> {
                            done[i] = Wire.fields(body);
                            if (allDone()) {
                                mergeTicks(true);
                                emit(Wire.format(Wire.DONE, TickMerge.merge(java.util.Arrays.asList(done), groupOf))
                                        .substring(Wire.PREFIX.length()));
                            }
                        }
                        case Wire.FAIL -> {
                            if (!failed) {
                                failed = true;
                                emit(Wire.FAIL + " " + event.from().name + ": " + body);
                            }
                        }
                        default -> emit(line);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                events.add(new Event(this, null));
            }
        }

        private boolean allDone() {
            for (Map<String, String> d : done) {
                if (d == null) {
                    return false;
                }
            }
            return true;
        }

        private static boolean allTrue(boolean[] flags) {
            for (boolean f : flags) {
                if (!f) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Merges the oldest pending tick of each member while every member still running has one (a
         * member that is done sends no more); at the end, whatever is left.
         */
        private void mergeTicks(boolean flush) {
            while (true) {
                boolean any = false;
                for (int i = 0; i < members.size(); i++) {
                    if (pending.get(i).isEmpty() && done[i] == null && !flush) {
                        return;
                    }
                    any |= !pending.get(i).isEmpty();
                }
                if (!any) {
                    return;
                }
                List<Map<String, String>> ticks = new ArrayList<>();
                List<Integer> from = new ArrayList<>();
                for (int i = 0; i < members.size(); i++) {
                    if (!pending.get(i).isEmpty()) {
                        ticks.add(pending.get(i).poll());
                        from.add(i);
                    }
                }
                int[] groups = groupOf == null ? null : from.stream().mapToInt(i -> groupOf[i]).toArray();
                emit(Wire.format(Wire.TICK, TickMerge.merge(ticks, groups)).substring(Wire.PREFIX.length()));
            }
        }

        private void emit(String line) {
            events.add(new Event(this, line));
        }

        @Override
        void send(String line) {
            if (line.startsWith(Wire.SPEC + " ")) {
                Map<String, String> spec = Wire.decodeSpec(line);
                for (int i = 0; i < members.size(); i++) {
                    Map<String, String> own = new java.util.TreeMap<>(spec);
                    own.putAll(extras.get(i));
                    members.get(i).send(Wire.encodeSpec(own));
                }
            } else {
                members.forEach(m -> m.send(line));
            }
        }

        @Override
        String exitDescription() {
            StringBuilder text = new StringBuilder();
            for (WorkerHandle m : members) {
                text.append(text.length() == 0 ? "" : "; ").append(m.name).append(' ').append(m.exitDescription());
            }
            return text.toString();
        }

        @Override
        String diagnostics() {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < members.size(); i++) {
                if (done[i] == null) {
                    text.append(members.get(i).name).append(":\n").append(members.get(i).diagnostics()).append('\n');
                }
            }
            return text.toString();
        }

        @Override
        void kill() throws InterruptedException {
            for (WorkerHandle m : members) {
                m.kill();
            }
        }

        /** Closes the members side by side: each may take its own grace period to exit. */
        @Override
        public void close() {
            List<Thread> closers = new ArrayList<>();
            for (WorkerHandle m : members) {
                Thread t = new Thread(m::close, "bench-close-" + m.name);
                t.setDaemon(true);
                t.start();
                closers.add(t);
            }
            try {
                for (Thread t : closers) {
                    t.join();
                }
                pump.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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
