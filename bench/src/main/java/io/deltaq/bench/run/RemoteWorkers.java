package io.deltaq.bench.run;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Workers on other machines, in the manner of the OpenMessaging Benchmark's distributed workers: each
 * runs {@code bin/bench-worker --coordinator HOST:PORT}, which connects here and runs one worker per
 * connection ({@link #serve}), over the same {@link Wire} lines a worker JVM reads on stdin and writes
 * on stdout. The coordinator keeps the connections in a pool and gives one to each client slot of a
 * run that goes remote; after the run the worker connects again for the next.
 */
public final class RemoteWorkers implements AutoCloseable {

    /** Sent instead of a spec when the sweep is over: the worker process exits. */
    static final String BYE = "BYE";
    /** How long a run waits for a remote worker to connect. */
    private static final long CONNECT_TIMEOUT_SECONDS = 180;
    /** How long a worker keeps trying to reach its coordinator before it gives up. */
    private static final long RECONNECT_SECONDS = 60;

    private final ServerSocket server;
    private final BlockingQueue<Socket> idle = new LinkedBlockingQueue<>();
    private final Thread acceptor;

    private RemoteWorkers(ServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(this::accept, "bench-remote-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Listens on {@code address} for workers. */
    public static RemoteWorkers listen(InetSocketAddress address) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(address);
        return new RemoteWorkers(server);
    }

    /** Where the workers connect to. */
    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                idle.add(socket);
            } catch (IOException e) {
                // Closed: the sweep is over.
            }
        }
    }

    /** A connected worker, as a handle of a run; waits for one to connect. */
    WorkerHandle take(String name, BlockingQueue<WorkerHandle.Event> events) throws IOException {
        try {
            Socket socket = idle.poll(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (socket == null) {
                throw new IOException("no remote worker connected to port " + port() + " within "
                        + CONNECT_TIMEOUT_SECONDS + " s (start one with bin/bench-worker --coordinator HOST:" + port() + ")");
            }
            return new Connected(name, socket, events);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a remote worker", e);
        }
    }

    /** Tells the idle workers the sweep is over, and stops listening. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // Nothing left to do with it.
        }
        for (Socket waiting; (waiting = idle.poll()) != null; ) {
            try (Socket socket = waiting) {
                new PrintWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8), true)
                        .println(BYE);
            } catch (IOException e) {
                // That worker is gone already.
            }
        }
    }

    /**
     * The worker side: connects to {@code host:port}, runs the worker the coordinator specifies, and
     * connects again for the next, until the coordinator says the sweep is over. Returns the exit status.
     */
    public static int serve(String host, int port, PrintStream log) throws InterruptedException {
        int runs = 0;
        long givingUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(RECONNECT_SECONDS);
        while (true) {
            Socket socket;
            try {
                socket = new Socket(host, port);
                socket.setTcpNoDelay(true);
            } catch (IOException e) {
                if (System.nanoTime() - givingUpAt > 0) {
                    log.println("bench-worker: no coordinator at " + host + ":" + port + " for " + RECONNECT_SECONDS
                            + " s (" + e.getMessage() + "); exiting after " + runs + " run(s)");
                    return runs > 0 ? 0 : 1;
                }
                Thread.sleep(500);
                continue;
            }
            try (socket) {
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8),
                        true);
                String first = in.readLine();
                if (first == null || first.equals(BYE)) {
                    log.println("bench-worker: the coordinator's sweep is over; exiting after " + runs + " run(s)");
                    return 0;
                }
                log.println("bench-worker: run " + (++runs) + " for " + host + ":" + port);
                String[] pending = {first};
                // As a worker JVM: a coordinator that goes away mid-run leaves nobody to report to.
                int status = new Worker(() -> {
                    String line = pending[0];
                    pending[0] = null;
                    return line != null ? line : in.readLine();
                }, out::println, () -> Runtime.getRuntime().halt(3)).run();
                out.flush();
                log.println("bench-worker: run " + runs + " ended with status " + status);
            } catch (IOException e) {
                log.println("bench-worker: connection to " + host + ":" + port + " failed: " + e.getMessage());
            }
            givingUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(RECONNECT_SECONDS);
        }
    }

    /** The coordinator's end of a connected worker. */
    private static final class Connected extends WorkerHandle {
        private final Socket socket;
        private final PrintWriter out;
        private final String peer;
        private final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);

        Connected(String name, Socket socket, BlockingQueue<Event> events) throws IOException {
            super(name, events);
            this.socket = socket;
            this.peer = socket.getRemoteSocketAddress().toString();
            this.out = new PrintWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8), true);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            Thread reader = new Thread(() -> {
                try {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith(Wire.PREFIX)) {
                            events.add(new Event(this, line.substring(Wire.PREFIX.length())));
                        }
                    }
                } catch (IOException e) {
                    // The connection broke: the worker is gone, which the end event says.
                }
                ended.countDown();
                events.add(new Event(this, null));
            }, "bench-" + name + "-remote");
            reader.setDaemon(true);
            reader.start();
        }

        @Override
        synchronized void send(String line) {
            out.println(line);
        }

        @Override
        String exitDescription() {
            return ended.getCount() == 0 ? "disconnected" : "still connected";
        }

        @Override
        String diagnostics() {
            return "(remote worker at " + peer + ": see its own output)";
        }

        @Override
        void kill() {
            throw new UnsupportedOperationException("a remote worker cannot be killed from here");
        }

        /** Ends the worker's input, as a worker JVM's stdin is closed, then the connection once it has ended. */
        @Override
        public void close() {
            try {
                socket.shutdownOutput();
                ended.await(15, TimeUnit.SECONDS);
            } catch (IOException e) {
                // Closed below either way.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                try {
                    socket.close();
                } catch (IOException e) {
                    // Nothing left to do with it.
                }
            }
        }
    }
}
