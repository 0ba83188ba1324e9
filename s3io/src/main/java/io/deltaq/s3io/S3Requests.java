package io.deltaq.s3io;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * One attempt of each S3 request {@link S3ObjectStore} makes, with nothing retried out of its sight
 * (docs/rfcs/0001-create-or-recognise.md): the store owns retries, deadlines, metrics and the
 * meaning of each answer. Keys are whole object keys in the store's bucket. Failures are the SDK's
 * exception types ({@code AwsServiceException} with the status and S3 error code,
 * {@code SdkClientException} for a request that got no answer), which {@link S3Failures} reads,
 * whichever implementation sent the request.
 */
interface S3Requests extends AutoCloseable {

    /** A PUT of {@code body}; with {@code ifAbsent}, {@code If-None-Match: *} (a 412 fails it). */
    CompletableFuture<Void> put(String key, ByteBuffer body, boolean ifAbsent);

    /**
     * A GET of the whole object, or of {@code range} ({@code bytes=a-b}) when not null, refused past
     * {@code maxBytes} with {@link ObjectTooLargeException}.
     *
     * @param request names the request in errors ({@link StoreErrors#request})
     * @param onLength told a declared length within the bound when the headers arrive
     */
    CompletableFuture<byte[]> get(String key, String range, int maxBytes, String request, LongConsumer onLength);

    /** A ListObjectsV2 page of at most {@code maxKeys} (at most 1,000) keys under {@code prefix}, after {@code startAfter} if not null. */
    CompletableFuture<ListPage> list(String prefix, String startAfter, int maxKeys);

    /** A DELETE. */
    CompletableFuture<Void> delete(String key);

    @Override
    void close();
}
