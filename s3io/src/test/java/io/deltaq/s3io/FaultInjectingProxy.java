package io.deltaq.s3io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback between a store and a real S3 server that can lose responses or answer
 * errors itself: the network faults a store must survive, injected without touching the client.
 */
final class FaultInjectingProxy implements AutoCloseable {

    private final InetSocketAddress upstream;
    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger responseCutAfter = new AtomicInteger(-1);
    private final AtomicInteger responsesToDrop = new AtomicInteger();
    private final AtomicInteger requestsToRefuse = new AtomicInteger();
    private volatile String refusal;
    private volatile boolean closed;

    FaultInjectingProxy(URI upstream) throws IOException {
        this.upstream = new InetSocketAddress(upstream.getHost(), upstream.getPort());
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "fault-proxy-accept");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** The server handles the next {@code n} requests, but their responses never reach the client. */
    void dropNextResponses(int n) {
        responsesToDrop.set(n);
    }

    /** The next response is cut off after its first {@code bytes} bytes (headers included): a broken connection. */
    void cutNextResponseAfter(int bytes) {
        responseCutAfter.set(bytes);
    }

    /** The next {@code n} requests are answered with {@code status}/{@code code} without reaching the server. */
    void refuseNextRequests(int n, int status, String code) {
        refusal = "HTTP/1.1 " + status + " Injected\r\nContent-Type: application/xml\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s";
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>injected</Message></Error>";
        refusal = String.format(refusal, body.getBytes(StandardCharsets.UTF_8).length, body);
        requestsToRefuse.set(n);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket origin = new Socket(upstream.getAddress(), upstream.getPort());
                sockets.add(client);
                sockets.add(origin);
                Connection connection = new Connection(client, origin);
                start("fault-proxy-up", connection::pumpRequests);
                start("fault-proxy-down", connection::pumpResponses);
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException("proxy accept failed", e);
                }
            }
        }
    }

    private static void start(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private final class Connection {
        final Socket client;
        final Socket origin;
        /** True between a response and the next request: the next client bytes begin a request. */
        volatile boolean awaitingRequest = true;

        Connection(Socket client, Socket origin) {
            this.client = client;
            this.origin = origin;
        }

        void pumpRequests() {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = client.getInputStream(); OutputStream out = origin.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (awaitingRequest) {
                        awaitingRequest = false;
                        if (requestsToRefuse.getAndUpdate(c -> Math.max(0, c - 1)) > 0) {
                            client.getOutputStream().write(refusal.getBytes(StandardCharsets.UTF_8));
                            client.getOutputStream().flush();
                            closeBoth();
                            return;
                        }
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // The peer closed; so do we.
            } finally {
                closeBoth();
            }
        }

        void pumpResponses() {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = origin.getInputStream(); OutputStream out = client.getOutputStream()) {
                int n;
                int cutAfter = -1;
                while ((n = in.read(buffer)) > 0) {
                    if (!awaitingRequest && responsesToDrop.getAndUpdate(c -> Math.max(0, c - 1)) > 0) {
                        // The server has done the work; the client learns nothing of it.
                        closeBoth();
                        return;
                    }
                    if (!awaitingRequest) {
                        cutAfter = responseCutAfter.getAndSet(-1);
                    }
                    awaitingRequest = true;
                    if (cutAfter >= 0) {
                        out.write(buffer, 0, Math.min(n, cutAfter));
                        out.flush();
                        cutAfter -= Math.min(n, cutAfter);
                        if (cutAfter == 0) {
                            closeBoth();
                            return;
                        }
                        continue;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // The peer closed; so do we.
            } finally {
                closeBoth();
            }
        }

        void closeBoth() {
            quietlyClose(client);
            quietlyClose(origin);
        }
    }

    private static void quietlyClose(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Already closed.
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        sockets.forEach(FaultInjectingProxy::quietlyClose);
    }
}
