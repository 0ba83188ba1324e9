package io.deltaq.s3io;

/** The whole S3 contract again through the SDK's client over CRT HTTP ({@code store.client=crt-http}). */
class SdkS3ObjectStoreTest extends S3ObjectStoreTest {

    @Override
    protected S3ClientKind clientKind() {
        return S3ClientKind.CRT_HTTP;
    }
}
