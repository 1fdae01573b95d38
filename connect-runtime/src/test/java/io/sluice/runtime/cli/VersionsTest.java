package io.sluice.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;

class VersionsTest {
    @Test
    void reportedConnectVersionIsTheKafkaVersionTheWorkerIsBuiltOn() {
        assertEquals(AppInfoParser.getVersion(), Versions.CONNECT_API_VERSION,
                "GET / reports the parent POM's kafka.version, the Kafka the worker runs on");
    }
}
