package io.deltaq.consumer;

import io.deltaq.s3io.LocalObjectStore;
import io.deltaq.s3io.ObjectStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The consumer on the local-filesystem store. */
class LocalConsumerTest extends ConsumerContractTest {

    @TempDir
    Path dir;

    @Override
    protected ObjectStore openStore() {
        return new LocalObjectStore(dir);
    }
}
