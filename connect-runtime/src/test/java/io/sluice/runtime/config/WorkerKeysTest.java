package io.sluice.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerKeysTest {
    private final WorkerKeys keys = new WorkerKeys(WorkerConfig.CONFIG);

    @Test
    void aTypoIsWarnedAboutInApachesWordsWithTheKeyItMeant() {
        assertEquals(List.of("The configuration 'offset.flush.intervall.ms' was supplied but isn't a known config. "
                        + "Did you mean 'offset.flush.interval.ms'?"),
                keys.warnings(Map.of("offset.flush.intervall.ms", "5000", "bootstrap.servers", "k:9092")));
        assertEquals(List.of("The configuration 'colour' was supplied but isn't a known config."),
                keys.warnings(Map.of("colour", "blue")), "no suggestion when nothing is close");
        assertEquals(List.of("The configuration 'metrics.sample.windw.ms' was supplied but isn't a known config. "
                        + "Did you mean 'metrics.sample.window.ms'?"),
                keys.warnings(Map.of("metrics.sample.windw.ms", "5000")), "metrics.* keys are defined, not passed on");
    }

    @Test
    void sluicesApachesAndPassedOnKeysAreKnown() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("embedded.kafka.port", "0");                  // Sluice's
        config.put("rest.console.enable", "false");              // a part's (observability)
        config.put("inter.worker.key.ttl.ms", "60000");          // a part's (distributed)
        config.put("worker.sync.timeout.ms", "3000");            // Apache's, unused by Sluice
        config.put("access.control.allow.origin", "*");          // Apache's REST key
        config.put("producer.linger.ms", "5");                   // passed to clients
        config.put("value.converter.schemas.enable", "false");   // passed to converters
        config.put("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        config.put("listeners.https.ssl.keystore.location", "/k.p12");
        config.put("metrics.context.cluster", "c");
        assertEquals(List.of(), keys.warnings(config));
    }
}
