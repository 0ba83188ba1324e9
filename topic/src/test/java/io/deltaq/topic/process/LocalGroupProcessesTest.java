package io.deltaq.topic.process;

import java.util.Map;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;

/** The processes share a local directory. */
class LocalGroupProcessesTest extends GroupProcessesContractTest {

    @Override
    protected String address() {
        return dir.resolve("topic").toString();
    }

    @Override
    protected Map<String, String> environment() {
        return Map.of();
    }

    @Override
    protected ObjectStore openStore() {
        return TestS3.local(dir.resolve("topic"));
    }
}
