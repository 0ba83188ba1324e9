package io.deltaq.s3io;

import io.deltaq.s3server.EmbeddedS3Server;

/**
 * One embedded S3 server for every S3 test class of this module, started on first use and stopped
 * when the test JVM exits. (Modules above s3io use the testkit module; s3io sits below it.)
 */
final class SharedS3Server {

    private static EmbeddedS3Server server;

    private SharedS3Server() {
    }

    static synchronized EmbeddedS3Server get() {
        if (server == null) {
            EmbeddedS3Server started = EmbeddedS3Server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "shared-s3-server-stop"));
            server = started;
        }
        return server;
    }
}
