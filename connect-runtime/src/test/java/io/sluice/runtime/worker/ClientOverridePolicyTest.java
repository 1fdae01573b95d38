package io.sluice.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.model.ConnectorTaskId;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ClientOverridePolicyTest {

    private static final Map<String, String> CONNECTOR = Map.of(
            "producer.override.linger.ms", "50",
            "producer.override.sasl.jaas.config", "secret",
            "consumer.override.max.poll.records", "10");

    @Test
    void allPolicyPassesEveryOverrideWithoutItsPrefix() {
        assertEquals(Map.of("linger.ms", "50", "sasl.jaas.config", "secret"),
                ClientOverridePolicy.ALL.overrides("c", CONNECTOR, ClientOverridePolicy.PRODUCER_PREFIX));
    }

    @Test
    void nonePolicyRejectsAnyOverrideNamingTheKeys() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ClientOverridePolicy.NONE.overrides("c", CONNECTOR, ClientOverridePolicy.CONSUMER_PREFIX));
        assertTrue(e.getMessage().contains("consumer.override.max.poll.records"), e.getMessage());
        assertTrue(e.getMessage().contains("None"), e.getMessage());
    }

    @Test
    void nonePolicyAcceptsAConnectorWithoutOverrides() {
        assertEquals(Map.of(), ClientOverridePolicy.NONE.overrides("c", Map.of("topics", "t"), ClientOverridePolicy.CONSUMER_PREFIX));
    }

    @Test
    void principalPolicyAllowsOnlyIdentityKeys() {
        assertEquals(Map.of("sasl.jaas.config", "secret"), ClientOverridePolicy.PRINCIPAL.overrides("c",
                Map.of("producer.override.sasl.jaas.config", "secret"), ClientOverridePolicy.PRODUCER_PREFIX));
        ConfigException e = assertThrows(ConfigException.class,
                () -> ClientOverridePolicy.PRINCIPAL.overrides("c", CONNECTOR, ClientOverridePolicy.PRODUCER_PREFIX));
        assertTrue(e.getMessage().contains("producer.override.linger.ms"), e.getMessage());
    }

    @Test
    void policyNamesParseAsApacheSpellsThem() {
        assertEquals(ClientOverridePolicy.NONE, ClientOverridePolicy.of("None"));
        assertEquals(ClientOverridePolicy.PRINCIPAL, ClientOverridePolicy.of("Principal"));
        assertEquals(ClientOverridePolicy.ALL, ClientOverridePolicy.of("All"));
    }

    @Test
    void producerConfigLayersDefaultsWorkerSettingsAndAllowedOverrides() {
        WorkerConfig worker = new WorkerConfig(Map.of("producer.linger.ms", "20", "producer.batch.size", "1000"));
        TaskClientConfigs clients = new TaskClientConfigs(worker, "localhost:9092");
        Map<String, Object> producer = clients.producer(new ConnectorTaskId("orders", 2),
                Map.of("producer.override.linger.ms", "50"));
        assertEquals("50", producer.get("linger.ms"));
        assertEquals("1000", producer.get("batch.size"));
        assertEquals("all", producer.get("acks"));
        assertEquals("true", producer.get("enable.idempotence"));
        assertEquals("connector-producer-orders-2", producer.get("client.id"));
        assertEquals("localhost:9092", producer.get("bootstrap.servers"));
    }

    @Test
    void sourceTaskProducerQueuesAtMostEightMebibytesUnlessTheWorkerOrConnectorSaysOtherwise() {
        ConnectorTaskId task = new ConnectorTaskId("orders", 0);
        assertEquals("8388608", new TaskClientConfigs(new WorkerConfig(Map.of()), "localhost:9092")
                .producer(task, Map.of()).get("buffer.memory"));
        TaskClientConfigs worker = new TaskClientConfigs(
                new WorkerConfig(Map.of("producer.buffer.memory", "33554432")), "localhost:9092");
        assertEquals("33554432", worker.producer(task, Map.of()).get("buffer.memory"));
        assertEquals("1048576", worker.producer(task, Map.of("producer.override.buffer.memory", "1048576"))
                .get("buffer.memory"));
    }

    @Test
    void sourceTaskProducerAllowedLargerRequestsKeepsTheClientsBufferSoEveryRecordItTookStillFits() {
        ConnectorTaskId task = new ConnectorTaskId("orders", 0);
        TaskClientConfigs large = new TaskClientConfigs(
                new WorkerConfig(Map.of("producer.max.request.size", "20971520")), "localhost:9092");
        assertFalse(large.producer(task, Map.of()).containsKey("buffer.memory"));
        TaskClientConfigs plain = new TaskClientConfigs(new WorkerConfig(Map.of()), "localhost:9092");
        assertFalse(plain.producer(task, Map.of("producer.override.batch.size", "4194304")).containsKey("buffer.memory"));
    }

    @Test
    void consumerGroupIsConnectNameUnlessTheAllowedOverrideSetsIt() {
        TaskClientConfigs clients = new TaskClientConfigs(new WorkerConfig(Map.of()), "localhost:9092");
        ConnectorTaskId id = new ConnectorTaskId("sink", 0);
        Map<String, Object> consumer = clients.consumer(id, Map.of());
        assertEquals("connect-sink", consumer.get("group.id"));
        assertEquals("false", consumer.get("enable.auto.commit"));
        assertEquals("connector-consumer-sink-0", consumer.get("client.id"));
        assertEquals("custom", clients.consumer(id, Map.of("consumer.override.group.id", "custom")).get("group.id"));

        TaskClientConfigs strict = new TaskClientConfigs(
                new WorkerConfig(Map.of("connector.client.config.override.policy", "None")), "localhost:9092");
        assertThrows(ConfigException.class, () -> strict.consumer(id, Map.of("consumer.override.group.id", "custom")));
    }
}
