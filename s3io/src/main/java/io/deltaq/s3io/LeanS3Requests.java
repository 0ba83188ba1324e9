package io.deltaq.s3io;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.crt.CRT;
import software.amazon.awssdk.crt.auth.credentials.Credentials;
import software.amazon.awssdk.crt.auth.signing.AwsSigner;
import software.amazon.awssdk.crt.auth.signing.AwsSigningConfig;
import software.amazon.awssdk.crt.http.HttpClientConnection;
import software.amazon.awssdk.crt.http.HttpClientConnectionManager;
import software.amazon.awssdk.crt.http.HttpClientConnectionManagerOptions;
import software.amazon.awssdk.crt.http.HttpHeader;
import software.amazon.awssdk.crt.http.HttpHeaderBlock;
import software.amazon.awssdk.crt.http.HttpRequest;
import software.amazon.awssdk.crt.http.HttpRequestBodyStream;
import software.amazon.awssdk.crt.http.HttpStream;
import software.amazon.awssdk.crt.http.HttpStreamResponseHandler;
import software.amazon.awssdk.crt.io.ClientBootstrap;
import software.amazon.awssdk.crt.io.EventLoopGroup;
import software.amazon.awssdk.crt.io.HostResolver;
import software.amazon.awssdk.crt.io.SocketOptions;
import software.amazon.awssdk.crt.io.TlsContext;
import software.amazon.awssdk.crt.io.TlsContextOptions;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * S3 requests sent on the CRT's HTTP connections and signed by its native SigV4 signer, without the
 * SDK's request pipeline ({@link S3ClientKind#CRT_LEAN}, docs/rfcs/0007-lean-s3-requests.md): that
 * pipeline was more than half of each client thread's work at 10,000 msg/s, and much of what the
 * JIT compiles in a client's first minute. A request is one HTTP/1.1 exchange; nothing is retried
 * here. Answers other than 2xx become {@code S3Exception}s with their status and S3 error code, and
 * a request that got no answer an {@code SdkClientException}, as the SDK reports them, so that
 * {@link S3Failures} reads both clients alike. Responses complete on a small pool of this store's
 * own, never on the CRT's event loop.
 *
 * <p>Addressing: path-style against an endpoint override unless the configuration asks for
 * virtual hosts; on AWS, virtual-hosted {@code bucket.s3.REGION.amazonaws.com} (path-style for a
 * bucket with dots, which TLS cannot name). Over TLS the payload is {@code UNSIGNED-PAYLOAD}, as the
 * SDK sends it; over plain HTTP the signer hashes the body, since nothing else protects it.
 */
final class LeanS3Requests implements S3Requests {

    /** An error document is a few hundred bytes; more is kept out of memory and the message. */
    private static final int ERROR_BODY_MAX = 64 * 1024;
    /** A page of 1,000 keys of up to 1,024 bytes each, with its XML. */
    private static final int LIST_BODY_MAX = 16 * 1024 * 1024;
    /** What a PUT or DELETE may answer with and be read. */
    private static final int EMPTY_BODY_MAX = ERROR_BODY_MAX;
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final XMLInputFactory XML = xmlFactory();

    private final String region;
    private final AwsCredentialsProvider credentials;
    private final boolean tls;
    private final String host;
    /** {@code /bucket} for path-style requests, empty for virtual-hosted ones. */
    private final String bucketPath;
    private final EventLoopGroup eventLoops;
    private final HostResolver resolver;
    private final ClientBootstrap bootstrap;
    private final SocketOptions socketOptions;
    private final TlsContext tlsContext;
    private final HttpClientConnectionManager connections;
    private final ThreadPoolExecutor completions;

    LeanS3Requests(S3StoreConfig config, String bucket, AwsCredentialsProvider credentials) {
        if (bucket.startsWith("arn:") || bucket.endsWith("--x-s3")) {
            // Access points and directory buckets need addressing and session auth of their own.
            throw new IllegalArgumentException("bucket '" + bucket + "' is " + (bucket.startsWith("arn:") ? "an ARN" : "a directory"
                    + " bucket (S3 Express One Zone)") + ", which store.client=crt-lean does not address; store.client=crt-http does");
        }
        this.region = config.region();
        this.credentials = credentials;
        URI endpoint = config.endpoint();
        String hostName;
        int port;
        boolean pathStyle;
        if (endpoint != null) {
            if (endpoint.getRawPath() != null && !endpoint.getRawPath().isEmpty() && !endpoint.getRawPath().equals("/")) {
                throw new IllegalArgumentException("store.client=crt-lean takes an endpoint without a path, not " + endpoint
                        + "; store.client=crt-http sends requests under one");
            }
            this.tls = "https".equalsIgnoreCase(endpoint.getScheme());
            pathStyle = config.pathStyle();
            hostName = pathStyle ? endpoint.getHost() : bucket + "." + endpoint.getHost();
            port = endpoint.getPort();
        } else {
            this.tls = true;
            pathStyle = config.pathStyle() || bucket.contains(".");
            String aws = "s3." + region + ".amazonaws.com";
            hostName = pathStyle ? aws : bucket + "." + aws;
            port = -1;
        }
        int defaultPort = tls ? 443 : 80;
        this.host = port == -1 || port == defaultPort ? hostName : hostName + ":" + port;
        this.bucketPath = pathStyle ? "/" + encode(bucket, false) : "";
        URI uri = URI.create((tls ? "https" : "http") + "://" + hostName + ":" + (port == -1 ? defaultPort : port));

        List<AutoCloseable> opened = new ArrayList<>();
        try {
            this.eventLoops = opened(opened, new EventLoopGroup(1));
            this.resolver = opened(opened, new HostResolver(eventLoops));
            this.bootstrap = opened(opened, new ClientBootstrap(eventLoops, resolver));
            this.socketOptions = opened(opened, new SocketOptions());
            socketOptions.connectTimeoutMs = (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis());
            if (tls) {
                try (TlsContextOptions tlsOptions = TlsContextOptions.createDefaultClient()) {
                    this.tlsContext = opened(opened, new TlsContext(tlsOptions));
                }
            } else {
                this.tlsContext = null;
            }
            HttpClientConnectionManagerOptions options = new HttpClientConnectionManagerOptions()
                    .withClientBootstrap(bootstrap)
                    .withSocketOptions(socketOptions)
                    .withUri(uri)
                    .withMaxConnections(config.maxConcurrency());
            if (tlsContext != null) {
                options.withTlsContext(tlsContext);
            }
            this.connections = opened(opened, HttpClientConnectionManager.create(options));
        } catch (RuntimeException e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        int id = IDS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        // As the SDK's own completion executor: a caller's continuation never runs on the event loop
        // that carries every other request's bytes. Idle threads end after a minute.
        int size = Math.max(8, Runtime.getRuntime().availableProcessors());
        this.completions = new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "deltaq-s3-response-" + id + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        completions.allowCoreThreadTimeOut(true);
    }

    private static <T extends AutoCloseable> T opened(List<AutoCloseable> opened, T resource) {
        opened.add(resource);
        return resource;
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer body, boolean ifAbsent) {
        List<HttpHeader> headers = new ArrayList<>(3);
        headers.add(new HttpHeader("Content-Length", Integer.toString(body.remaining())));
        if (ifAbsent) {
            headers.add(new HttpHeader("If-None-Match", "*"));
        }
        return send("PUT", objectPath(key), headers, body, noContent());
    }

    @Override
    public CompletableFuture<byte[]> get(String key, String range, int maxBytes, String request, LongConsumer onLength) {
        List<HttpHeader> headers = new ArrayList<>(2);
        if (range != null) {
            headers.add(new HttpHeader("Range", range));
        }
        return send("GET", objectPath(key), headers, null, new Exchange<byte[]>(maxBytes, request, onLength) {
            @Override
            byte[] parse(byte[] responseBody) {
                return responseBody;
            }
        });
    }

    @Override
    public CompletableFuture<ListPage> list(String prefix, String startAfter, int maxKeys) {
        StringBuilder query = new StringBuilder(bucketPath.isEmpty() ? "/" : bucketPath)
                .append("?list-type=2&max-keys=").append(maxKeys)
                .append("&prefix=").append(encode(prefix, true));
        if (startAfter != null) {
            query.append("&start-after=").append(encode(startAfter, true));
        }
        return send("GET", query.toString(), new ArrayList<>(1), null, new Exchange<ListPage>(LIST_BODY_MAX, null, null) {
            @Override
            ListPage parse(byte[] responseBody) throws XMLStreamException {
                return listPage(responseBody);
            }
        });
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        return send("DELETE", objectPath(key), new ArrayList<>(1), null, noContent());
    }

    /** The exchange of a PUT or a DELETE: success is the status alone, whatever small body comes with it. */
    private Exchange<Void> noContent() {
        return new Exchange<>(EMPTY_BODY_MAX, null, null) {
            @Override
            Void parse(byte[] responseBody) {
                return null;
            }
        };
    }

    private String objectPath(String key) {
        return bucketPath + "/" + encode(key, false);
    }

    /**
     * Signs the request, takes a connection and sends it; the exchange completes the result. A
     * result failed from outside (the store's deadline) cancels whatever is under way.
     */
    private <T> CompletableFuture<T> send(String method, String pathAndQuery, List<HttpHeader> headers, ByteBuffer body,
            Exchange<T> exchange) {
        AwsCredentials identity;
        try {
            identity = credentials.resolveCredentials();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e); // "Unable to load credentials": S3Failures names it
        }
        headers.add(new HttpHeader("Host", host));
        BodyStream stream = body == null ? null : new BodyStream(body);
        HttpRequest request = new HttpRequest(method, pathAndQuery, headers.toArray(new HttpHeader[0]), stream);
        AwsSigningConfig signing = signingConfig(identity, body != null);
        CompletableFuture<HttpRequest> signed;
        try {
            signed = AwsSigner.signRequest(request, signing);
        } catch (RuntimeException e) {
            signing.close();
            return CompletableFuture.failedFuture(SdkClientException.create("signing " + method + " " + pathAndQuery + ": " + e, e));
        }
        signed.whenComplete((signedRequest, signingFailure) -> {
            signing.close();
            if (signingFailure != null) {
                exchange.fail(SdkClientException.create("signing " + method + " " + pathAndQuery + ": " + signingFailure,
                        signingFailure));
            } else if (!exchange.isSettled()) {
                connections.acquireConnection().whenComplete((connection, connectFailure) -> {
                    if (connectFailure != null) {
                        exchange.fail(SdkClientException.create("connecting to " + host + ": " + connectFailure, connectFailure));
                    } else {
                        exchange.start(connection, signedRequest);
                    }
                });
            }
        });
        exchange.result.whenComplete((value, failure) -> {
            if (failure != null) {
                exchange.cancel();
            }
        });
        return exchange.result;
    }

    private AwsSigningConfig signingConfig(AwsCredentials identity, boolean hasBody) {
        AwsSigningConfig config = new AwsSigningConfig();
        config.setAlgorithm(AwsSigningConfig.AwsSigningAlgorithm.SIGV4);
        config.setSignatureType(AwsSigningConfig.AwsSignatureType.HTTP_REQUEST_VIA_HEADERS);
        config.setRegion(region);
        config.setService("s3");
        config.setTime(System.currentTimeMillis());
        config.setCredentials(new Credentials(
                identity.accessKeyId().getBytes(StandardCharsets.UTF_8),
                identity.secretAccessKey().getBytes(StandardCharsets.UTF_8),
                identity instanceof AwsSessionCredentials session ? session.sessionToken().getBytes(StandardCharsets.UTF_8) : null));
        // S3 signs the path as sent, encoded once, and not normalised.
        config.setUseDoubleUriEncode(false);
        config.setShouldNormalizeUriPath(false);
        config.setSignedBodyHeader(AwsSigningConfig.AwsSignedBodyHeaderType.X_AMZ_CONTENT_SHA256);
        if (tls) {
            config.setSignedBodyValue(AwsSigningConfig.AwsSignedBodyValue.UNSIGNED_PAYLOAD);
        } else if (!hasBody) {
            config.setSignedBodyValue(AwsSigningConfig.AwsSignedBodyValue.EMPTY_SHA256);
        } // else the signer hashes the body stream, then rewinds it
        return config;
    }

    /**
     * One request's answer: its status, its body (bounded: the caller's bound on a successful GET,
     * a few KiB otherwise), and the result made of them. Callbacks arrive on the event loop, in order.
     */
    private abstract class Exchange<T> implements HttpStreamResponseHandler {
        final CompletableFuture<T> result = new CompletableFuture<>();
        private final int maxBytes;
        private final String request;
        private final LongConsumer onLength;
        private HttpClientConnection connection;
        private HttpStream stream;
        private boolean ended;
        /**
         * Whether the answer is decided. Set on the deciding thread, before the result is completed on
         * the completion pool: a refusal on the headers must not be overtaken by the end of the
         * response, whose completion would otherwise race it there.
         */
        private boolean settled;
        private int status;
        private long declaredLength = -1;
        private BoundedBody body;
        private boolean bodyRefused;

        Exchange(int maxBytes, String request, LongConsumer onLength) {
            this.maxBytes = maxBytes;
            this.request = request;
            this.onLength = onLength;
        }

        /** The successful answer's value, from its body. */
        abstract T parse(byte[] responseBody) throws Exception;

        synchronized void start(HttpClientConnection connection, HttpRequest signed) {
            this.connection = connection;
            if (isSettled()) {
                end(); // given up while the connection was on its way
                return;
            }
            try {
                stream = connection.makeRequest(signed, this);
                stream.activate();
            } catch (RuntimeException e) {
                end();
                fail(SdkClientException.create("sending to " + host + ": " + e, e));
            }
        }

        synchronized void cancel() {
            if (stream != null && !ended) {
                stream.cancel();
            }
        }

        @Override
        public void onResponseHeaders(HttpStream s, int responseStatusCode, int blockType, HttpHeader[] headers) {
            if (blockType != HttpHeaderBlock.MAIN.getValue()) {
                return;
            }
            status = responseStatusCode;
            for (HttpHeader header : headers) {
                if ("content-length".equalsIgnoreCase(header.getName())) {
                    try {
                        declaredLength = Long.parseLong(header.getValue().trim());
                    } catch (NumberFormatException e) {
                        declaredLength = -1;
                    }
                }
            }
        }

        @Override
        public void onResponseHeadersDone(HttpStream s, int blockType) {
            if (blockType != HttpHeaderBlock.MAIN.getValue()) {
                return;
            }
            boolean success = status / 100 == 2;
            try {
                body = new BoundedBody(success ? declaredLength : -1, success ? maxBytes : ERROR_BODY_MAX,
                        request != null ? request : "S3 request");
                if (success && onLength != null && declaredLength >= 0) {
                    onLength.accept(declaredLength);
                }
            } catch (ObjectTooLargeException tooLarge) {
                bodyRefused = true;
                fail(tooLarge);
                s.cancel();
            }
        }

        @Override
        public int onResponseBody(HttpStream s, byte[] bytes) {
            if (bodyRefused || body == null) {
                return bytes.length;
            }
            try {
                body.append(bytes);
            } catch (ObjectTooLargeException tooLarge) {
                bodyRefused = true;
                if (status / 100 == 2) {
                    fail(tooLarge);
                    s.cancel();
                } // an error document past the bound is cut, not refused
            }
            return bytes.length;
        }

        @Override
        public void onResponseComplete(HttpStream s, int errorCode) {
            end();
            if (isSettled()) {
                return;
            }
            if (errorCode != 0) {
                fail(SdkClientException.create(host + " gave no complete answer: " + CRT.awsErrorName(errorCode) + " ("
                        + CRT.awsErrorString(errorCode) + ")"));
                return;
            }
            try {
                byte[] bytes = body == null ? new byte[0] : body.finish();
                if (status / 100 == 2) {
                    complete(parse(bytes));
                } else {
                    fail(serviceError(status, bytes));
                }
            } catch (Exception e) {
                fail(e);
            }
        }

        /** Closes the stream and gives the connection back, once. */
        private synchronized void end() {
            if (ended) {
                return;
            }
            ended = true;
            if (stream != null) {
                stream.close();
            }
            if (connection != null) {
                connections.releaseConnection(connection);
            }
        }

        private void complete(T value) {
            if (settle()) {
                onCompletionThread(() -> result.complete(value));
            }
        }

        void fail(Throwable failure) {
            if (settle()) {
                onCompletionThread(() -> result.completeExceptionally(failure));
            }
        }

        /** Whether this call decides the answer: only the first does. */
        private synchronized boolean settle() {
            if (settled) {
                return false;
            }
            settled = true;
            return true;
        }

        /** Decided here, or given up from outside (the store's deadline). */
        private synchronized boolean isSettled() {
            return settled || result.isDone();
        }

        private void onCompletionThread(Runnable completion) {
            try {
                completions.execute(completion);
            } catch (RejectedExecutionException closing) {
                completion.run();
            }
        }
    }

    /** An error answer as the SDK reports one: status, S3 error code and message from its XML document. */
    private static S3Exception serviceError(int status, byte[] document) {
        String code = null;
        String message = null;
        if (document.length > 0) {
            try {
                XMLStreamReader xml = XML.createXMLStreamReader(new ByteArrayInputStream(document));
                try {
                    while (xml.hasNext()) {
                        if (xml.next() == XMLStreamReader.START_ELEMENT) {
                            String name = xml.getLocalName();
                            if (name.equals("Code") && code == null) {
                                code = xml.getElementText().trim();
                            } else if (name.equals("Message") && message == null) {
                                message = xml.getElementText().trim();
                            }
                        }
                    }
                } finally {
                    xml.close();
                }
            } catch (XMLStreamException notXml) {
                message = "an error body that is not an S3 error document";
            }
        }
        return (S3Exception) S3Exception.builder()
                .statusCode(status)
                .message(message != null ? message : "HTTP " + status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName("S3").build())
                .build();
    }

    /** A ListObjectsV2 result: each Contents' Key and Size, and IsTruncated. */
    private static ListPage listPage(byte[] document) throws XMLStreamException {
        List<ObjectInfo> objects = new ArrayList<>();
        boolean truncated = false;
        XMLStreamReader xml = XML.createXMLStreamReader(new ByteArrayInputStream(document));
        try {
            String key = null;
            long size = -1;
            int depth = 0;
            while (xml.hasNext()) {
                int event = xml.next();
                if (event == XMLStreamReader.START_ELEMENT) {
                    depth++;
                    String name = xml.getLocalName();
                    if (depth == 2 && name.equals("IsTruncated")) {
                        truncated = Boolean.parseBoolean(xml.getElementText().trim());
                        depth--;
                    } else if (depth == 2 && name.equals("Contents")) {
                        key = null;
                        size = -1;
                    } else if (depth == 3 && name.equals("Key")) {
                        key = xml.getElementText();
                        depth--;
                    } else if (depth == 3 && name.equals("Size")) {
                        size = Long.parseLong(xml.getElementText().trim());
                        depth--;
                    }
                } else if (event == XMLStreamReader.END_ELEMENT) {
                    if (depth == 2 && xml.getLocalName().equals("Contents")) {
                        if (key == null || size < 0) {
                            throw new XMLStreamException("a listing's Contents without a Key or a Size");
                        }
                        objects.add(new ObjectInfo(key, size));
                    }
                    depth--;
                }
            }
        } finally {
            xml.close();
        }
        return new ListPage(objects, truncated);
    }

    private static XMLInputFactory xmlFactory() {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        // A server's document is not trusted: no DTDs, no entities from anywhere.
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        return factory;
    }

    /** RFC 3986 percent-encoding of UTF-8, as SigV4 wants it: unreserved characters kept, and {@code /} unless asked. */
    static String encode(String value, boolean slash) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !slash)) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** A request body from a buffer, rewound when the signer has hashed it. */
    private static final class BodyStream implements HttpRequestBodyStream {
        private final ByteBuffer source;
        private final int start;

        BodyStream(ByteBuffer body) {
            this.source = body.duplicate();
            this.start = source.position();
        }

        @Override
        public boolean sendRequestBody(ByteBuffer out) {
            int n = Math.min(out.remaining(), source.remaining());
            ByteBuffer chunk = source.duplicate();
            chunk.limit(chunk.position() + n);
            out.put(chunk);
            source.position(source.position() + n);
            return !source.hasRemaining();
        }

        @Override
        public boolean resetPosition() {
            source.position(start);
            return true;
        }

        @Override
        public long getLength() {
            return source.limit() - start;
        }
    }

    @Override
    public void close() {
        connections.close();
        await(connections.getShutdownCompleteFuture());
        bootstrap.close();
        resolver.close();
        eventLoops.close();
        await(eventLoops.getShutdownCompleteFuture());
        socketOptions.close();
        if (tlsContext != null) {
            tlsContext.close();
        }
        completions.shutdown();
        try {
            completions.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CompletableFuture<?> shutdown) {
        try {
            shutdown.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Nothing more can be released; the native side finishes on its own.
        }
    }
}
