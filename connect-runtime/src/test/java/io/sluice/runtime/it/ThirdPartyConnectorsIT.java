package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.TestWorker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.source.SourceConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Widely used open plugins from Maven Central, installed as their authors ship them, run unchanged: Apache
 * Camel's Kafka connector (timer source, 0.7.2, bundling kafka-clients and connect-json 2.6.0) and Jeremy
 * Custenborder's Common Transforms (0.1.0.14), neither of which has ServiceLoader manifests.
 */
class ThirdPartyConnectorsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CAMEL_TIMER = "org.apache.camel.kafkaconnector.timer.CamelTimerSourceConnector";

    @TempDir
    Path dir;
    private TestWorker worker;
    private RestClient rest;

    @BeforeEach
    void startWorker() throws IOException {
        Path pluginPath = Files.createDirectories(dir.resolve("plugins"));
        TestPlugins.install(TestPlugins.camelTimerDir(), pluginPath);
        TestPlugins.install(TestPlugins.commonTransformsDir(), pluginPath);
        worker = TestWorker.standalone().pluginPath(pluginPath).start();
        rest = worker.rest();
    }

    @AfterEach
    void stopWorker() {
        worker.close();
    }

    @Test
    void camelTimerSourceBundlingKafka26ClientsProducesEveryTickWithTheRuntimesApi() {
        Class<? extends Connector> camel = worker.process().plugins().pluginClass(CAMEL_TIMER, Connector.class);
        assertNotSame(getClass().getClassLoader(), camel.getClassLoader(), "loaded in its own plugin loader");
        assertTrue(SourceConnector.class.isAssignableFrom(camel), "extends the runtime's SourceConnector");
        assertSame(KafkaProducer.class, load(camel.getClassLoader(), KafkaProducer.class.getName()),
                "the bundled kafka-clients 2.6.0 is not used");

        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("ticks"), 1);
        RestClient.Response created = rest.createConnector("ticks", camelTimer(topic, 25));
        assertEquals(201, created.status(), created.raw());

        List<ConsumerRecord<String, String>> ticks = KafkaTestBroker.consumeAll(topic, 25, WAIT);
        assertEquals(25, ticks.size(), "one record per tick, repeatCount of them");
        Header timerName = ticks.get(0).headers().lastHeader("CamelProperty.CamelTimerName");
        assertTrue(timerName != null, "Camel's exchange properties travel as record headers: " + ticks.get(0).headers());
        assertEquals("ticks", new String(timerName.value(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("RUNNING", rest.taskState("ticks", 0));
    }

    @Test
    void commonTransformsFromTheirOwnPluginRenameTheTopicsOfAnotherPluginsRecords() {
        String topic = KafkaTestBroker.uniqueTopic("tick-events");
        String renamed = topic.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        KafkaTestBroker.createTopic(renamed, 1);
        Map<String, String> config = camelTimer(topic, 10);
        config.put("name", "renamed-ticks");
        config.put("transforms", "upper");
        config.put("transforms.upper.type", "com.github.jcustenborder.kafka.connect.transform.common.ChangeTopicCase");
        config.put("transforms.upper.from", "LOWER_HYPHEN");
        config.put("transforms.upper.to", "UPPER_UNDERSCORE");

        RestClient.Response validated = rest.put("/connector-plugins/" + CAMEL_TIMER + "/config/validate", config);
        assertEquals(200, validated.status(), validated.raw());
        assertEquals(0, validated.body().path("error_count").asInt(), validated.raw());
        assertEquals(201, rest.createConnector("renamed-ticks", config).status());

        assertEquals(10, KafkaTestBroker.consumeAll(renamed, 10, WAIT).size(), "every tick under the renamed topic");
        worker.assertions().within(WAIT).awaitTaskState("renamed-ticks", 0, "RUNNING");
        assertTrue(rest.get("/connector-plugins?connectorsOnly=false").raw()
                .contains("com.github.jcustenborder.kafka.connect.transform.common.ChangeTopicCase"), "the SMT is listed");
    }

    /** Camel's timer source as its documentation configures it: `count` ticks, 20 ms apart, into topic. */
    private static Map<String, String> camelTimer(String topic, int count) {
        Map<String, String> config = new HashMap<>(Map.of(
                "connector.class", CAMEL_TIMER,
                "topics", topic,
                "camel.source.path.timerName", "ticks",
                "camel.source.endpoint.period", "20",
                "camel.source.endpoint.repeatCount", Integer.toString(count),
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter"));
        return config;
    }

    private static Class<?> load(ClassLoader loader, String name) {
        try {
            return loader.loadClass(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }
}
