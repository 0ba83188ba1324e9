package io.deltaq.s3io;

/** Which AWS SDK client carries the S3 requests. Both run on the AWS Common Runtime, without Netty. */
public enum S3ClientKind {
    /**
     * The CRT S3 client ({@code S3AsyncClient.crtBuilder()}): meta-requests that split large
     * objects into parallel parts; built for throughput.
     */
    CRT,
    /**
     * The SDK's standard {@code S3AsyncClient} over the CRT HTTP client: one HTTP request per call,
     * less machinery per small request.
     */
    CRT_HTTP
}
