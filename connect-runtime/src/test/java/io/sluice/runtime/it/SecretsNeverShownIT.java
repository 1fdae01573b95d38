package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.LogCapture;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.TestWorker;
import io.sluice.runtime.worker.TestSourceConnector;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets reach connectors and nobody else. A connector holds a value its definition types PASSWORD, a value whose
 * key is named like a secret, and a ${file:...} placeholder. With every logger at DEBUG, none of them is in a log
 * line, a metric (JMX or GET /metrics), a console page or a topic peek (the internal topics that hold them are
 * refused), nor in any REST answer but GET /connectors/{name}/config, which returns the stored config verbatim as
 * Apache does (placeholders unresolved) unless rest.config.redact is set.
 */
class SecretsNeverShownIT {
    private static final String PASSWORD = "never-show-me-zebrafinch";
    private static final String NAMED = "never-show-me-quokkamoon";
    private static final String RESOLVED = "never-show-me-wombatjazz";
    private static final String IN_URL = "never-show-me-narwhalpie";
    private static final String URL = "jdbc:postgresql://db.example:5432/shop?user=app&password=" + IN_URL + "&ssl=true";
    /** What must never be shown, not even cut short (a log line may show a buffer's head or tail). */
    private static final List<String> SECRETS = List.of("zebrafinch", "quokkamoon", "wombatjazz", "narwhalpie");
    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    @TempDir
    Path dir;

    /**
     * A source whose definition types db.credential and api.token PASSWORD: neither name says so; its
     * connection.url is a STRING that may hold a password, which validation refuses to find masked.
     */
    public static class CredentialedSource extends TestSourceConnector {
        @Override
        public ConfigDef config() {
            return new ConfigDef()
                    .define("db.credential", ConfigDef.Type.PASSWORD, ConfigDef.Importance.HIGH, "Database credential.")
                    .define("api.token", ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.HIGH, "API token.")
                    .define("connection.url", ConfigDef.Type.STRING, null, ConfigDef.Importance.HIGH, "Database URL.");
        }

        @Override
        public Config validate(Map<String, String> props) {
            Config config = super.validate(props);
            for (ConfigValue value : config.configValues()) {
                if (value.name().equals("connection.url") && String.valueOf(props.get("connection.url")).contains("[hidden]")) {
                    value.addErrorMessage("the password in the URL arrived masked");
                }
            }
            return config;
        }
    }

    @Test
    void secretsAppearInNoLogLineMetricPeekOrRestAnswerButTheVerbatimConfig() throws Exception {
        Path secrets = Files.writeString(dir.resolve("secrets.properties"), "token=" + RESOLVED + "\n");
        LogCapture capture = LogCapture.open();
        List<RestClient.Response> answers = new ArrayList<>();
        try (TestWorker worker = start(Map.of())) {
            RestClient rest = worker.rest();
            assertEquals(200, rest.put("/admin/loggers/root", Map.of("level", "DEBUG")).status(), "every logger at DEBUG");
            String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("secret-data"), 1);
            String offsetsTopic = KafkaTestBroker.uniqueTopic("secret-offsets");
            Map<String, String> config = Map.of(
                    "connector.class", CredentialedSource.class.getName(), "topic", topic, "count", "50",
                    "db.credential", PASSWORD, "connection.password", NAMED,
                    "api.token", "${file:" + secrets + ":token}", "offsets.storage.topic", offsetsTopic,
                    "connection.url", URL);
            RestClient.Response created = rest.createConnector("holder", config);
            assertEquals(201, created.status(), created.raw());
            answers.add(created);
            Await.until(() -> "RUNNING".equals(rest.taskState("holder", 0)), Duration.ofSeconds(30), "task running");
            Await.until(() -> KafkaTestBroker.consumeAll(topic, 50, Duration.ofSeconds(30)).size() >= 50,
                    Duration.ofSeconds(30), "the source wrote its records");

            // every answer that shows a stored config, status, plugin or metric
            for (String path : List.of("/connectors/holder", "/connectors/holder/tasks", "/connectors/holder/tasks-config",
                    "/connectors/holder/status", "/connectors?expand=info&expand=status", "/connectors/holder/offsets",
                    "/connector-plugins/" + CredentialedSource.class.getName() + "/config", "/metrics", "/topics",
                    "/admin/loggers", "/console/", "/console/app.js")) {
                RestClient.Response answer = rest.get(path);
                assertEquals(200, answer.status(), path + ": " + answer.raw());
                answers.add(answer);
            }
            JsonNode shown = rest.get("/connectors/holder").body().path("config");
            assertEquals("[hidden]", shown.path("db.credential").asText(), "a PASSWORD value is masked");
            assertEquals("[hidden]", shown.path("connection.password").asText(), "a value named like a secret is masked");
            assertEquals(config.get("api.token"), shown.path("api.token").asText(), "a placeholder is shown as stored");
            assertEquals(URL.replace(IN_URL, "[hidden]"), shown.path("connection.url").asText(),
                    "a URL is shown with its password masked");

            // a client that saves the masked config back keeps the secrets; a PATCH shows only what it may
            Map<String, String> roundTrip = new HashMap<>();
            shown.properties().forEach(e -> roundTrip.put(e.getKey(), e.getValue().asText()));
            roundTrip.put("count", "60");
            answers.add(rest.put("/connectors/holder/config", roundTrip));
            assertEquals(200, answers.get(answers.size() - 1).status(), answers.get(answers.size() - 1).raw());
            answers.add(rest.patch("/connectors/holder/config", Map.of("count", "70")));
            assertEquals(200, answers.get(answers.size() - 1).status(), answers.get(answers.size() - 1).raw());
            // a body that ends with the secret, where Jetty's DEBUG lines show the tail of a request buffer
            Map<String, String> secretLast = new LinkedHashMap<>(roundTrip);
            secretLast.remove("db.credential");
            secretLast.put("db.credential", PASSWORD);
            answers.add(rest.put("/connectors/holder/config", secretLast));
            assertEquals(200, answers.get(answers.size() - 1).status(), answers.get(answers.size() - 1).raw());
            RestClient.Response verbatim = rest.get("/connectors/holder/config");
            assertEquals(PASSWORD, verbatim.body().path("db.credential").asText(), "the stored secret survived the round trip");
            assertEquals(NAMED, verbatim.body().path("connection.password").asText());
            assertEquals(URL, verbatim.body().path("connection.url").asText(), "the URL's password survived too");

            // validating the masked config of a stored connector (an edit in the console) uses its stored secrets
            Map<String, String> maskedEdit = new HashMap<>(roundTrip);
            maskedEdit.put("name", "holder");
            RestClient.Response edited = rest.put("/connector-plugins/" + CredentialedSource.class.getName()
                    + "/config/validate", maskedEdit);
            answers.add(edited);
            assertEquals(0, edited.body().path("error_count").asInt(), edited.raw());
            assertTrue(edited.raw().contains(URL.replace(IN_URL, "[hidden]")), edited.raw());
            maskedEdit.put("name", "not-stored");
            RestClient.Response fresh = rest.put("/connector-plugins/" + CredentialedSource.class.getName()
                    + "/config/validate", maskedEdit);
            assertEquals(1, fresh.body().path("error_count").asInt(), "no stored connector, nothing put back: " + fresh.raw());
            assertFalse(verbatim.raw().contains(RESOLVED), "placeholders are stored and shown unresolved");

            // refusals, validation and restarts
            Map<String, String> invalid = new HashMap<>(config);
            invalid.put("tasks.max", "not-a-number");
            answers.add(rest.createConnector("refused", invalid));
            assertEquals(400, answers.get(answers.size() - 1).status());
            answers.add(rest.put("/connector-plugins/" + CredentialedSource.class.getName() + "/config/validate", config));
            assertEquals(200, answers.get(answers.size() - 1).status());
            answers.add(rest.post("/connectors/holder/restart?includeTasks=true", Map.of()));
            assertEquals(202, answers.get(answers.size() - 1).status());

            // the topics that hold the config and the offsets are refused, and not listed
            Await.until(() -> topicExists(offsetsTopic), Duration.ofSeconds(30), "the connector committed offsets");
            for (String internal : List.of(groupId + "-configs", groupId + "-offsets", groupId + "-status", offsetsTopic)) {
                RestClient.Response peek = rest.get("/topics/" + internal + "/partitions/0/records?count=100");
                assertEquals(403, peek.status(), internal + ": " + peek.raw());
                assertTrue(peek.body().path("message").asText().contains("rest.topics.peek.allow"), peek.raw());
                assertFalse(rest.get("/topics").raw().contains("\"" + internal + "\""), internal + " is not listed");
                answers.add(peek);
            }
            RestClient.Response data = rest.get("/topics/" + topic + "/partitions/0/records?count=10");
            assertEquals(200, data.status(), data.raw());
            answers.add(data);

            String metrics = jmxAttributes();
            for (String secret : SECRETS) {
                assertFalse(metrics.contains(secret), "a secret in a JMX attribute");
            }
            answers.add(rest.delete("/connectors/holder"));
        } finally {
            capture.close();
            ((LoggerContext) LogManager.getContext(false)).reconfigure(); // back to the configured levels
        }
        for (RestClient.Response answer : answers) {
            for (String secret : SECRETS) {
                assertFalse(String.valueOf(answer.raw()).contains(secret), "a secret in a REST answer: " + answer.raw());
            }
        }
        assertTrue(capture.lines().stream().anyMatch(l -> l.startsWith("DEBUG ")), "DEBUG lines were logged");
        for (String line : capture.lines()) {
            for (String secret : SECRETS) {
                assertFalse(line.contains(secret), "a secret logged: " + line);
            }
        }
    }

    @Test
    void withRestConfigRedactTheConfigEndpointMasksSecretsToo() {
        try (TestWorker worker = start(Map.of("rest.config.redact", "true"))) {
            RestClient rest = worker.rest();
            String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("redacted-data"), 1);
            assertEquals(201, rest.createConnector("redacted", Map.of("connector.class",
                    CredentialedSource.class.getName(), "topic", topic, "count", "1",
                    "db.credential", PASSWORD, "connection.password", NAMED)).status());
            JsonNode config = rest.get("/connectors/redacted/config").body();
            assertEquals("[hidden]", config.path("db.credential").asText());
            assertEquals("[hidden]", config.path("connection.password").asText());
            assertEquals(topic, config.path("topic").asText());

            Map<String, String> back = new HashMap<>();
            config.properties().forEach(e -> back.put(e.getKey(), e.getValue().asText()));
            assertEquals(200, rest.put("/connectors/redacted/config", back).status());
            assertEquals(PASSWORD, worker.process().herder().connectorConfig("redacted").get("db.credential"),
                    "saving the masked config kept the secret");
            assertEquals(NAMED, worker.process().herder().connectorConfig("redacted").get("connection.password"));
        }
    }

    @Test
    void aRenamedClustersConfigTopicIsRefusedByItsNameAndShowsNoSecretEvenWhenAllowedByName() {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"app\" password=\""
                + RESOLVED + "\";";
        String oldGroup;
        try (TestWorker before = start(Map.of())) {
            oldGroup = groupId;
            RestClient rest = before.rest();
            RestClient.Response created = rest.post("/connectors", Map.of("name", "orders-db", "initial_state", "STOPPED",
                    "config", Map.of("connector.class", CredentialedSource.class.getName(), "topic", "orders",
                            "db.credential", PASSWORD, "connection.password", NAMED,
                            "producer.override.sasl.jaas.config", jaas)));
            assertEquals(201, created.status(), created.raw());
        }
        // the same Kafka cluster, group.id renamed: the old cluster's topics now belong to "another" Connect cluster
        try (TestWorker after = start(Map.of("rest.topics.peek.allow", ".*," + oldGroup + "-configs"))) {
            RestClient rest = after.rest();
            String listed = rest.get("/topics").raw();
            for (String refused : List.of(oldGroup + "-offsets", oldGroup + "-status", "connect-configs",
                    "docker-connect-offsets", "my_connect_statuses", "mm2-configs.east.internal", "__consumer_offsets")) {
                RestClient.Response peek = rest.get("/topics/" + refused + "/partitions/0/records?count=100");
                assertEquals(403, peek.status(), refused + ": " + peek.raw());
                assertTrue(peek.body().path("message").asText().contains("list its exact name in rest.topics.peek.allow"),
                        peek.raw());
                assertFalse(listed.contains("\"" + refused + "\""), refused + " is listed: " + listed);
            }
            // allowed by its exact name, the old config topic is readable: its configs come with their secrets masked
            for (String format : List.of("auto", "utf8", "base64")) {
                RestClient.Response peek = rest.get("/topics/" + oldGroup + "-configs/partitions/0/records?count=100&format="
                        + format);
                assertEquals(200, peek.status(), peek.raw());
                StringBuilder shown = new StringBuilder(peek.raw());
                int masked = 0;
                for (JsonNode record : peek.body().path("records")) {
                    String value = record.path("value").asText();
                    String text = record.path("value_encoding").asText().equals("base64")
                            ? new String(java.util.Base64.getDecoder().decode(value), java.nio.charset.StandardCharsets.UTF_8)
                            : value;
                    shown.append(text);
                    if (record.path("value_masked").asBoolean()) {
                        masked++;
                        JsonNode properties = readJson(text).path("properties");
                        assertEquals("[hidden]", properties.path("db.credential").asText(), text);
                        assertEquals("[hidden]", properties.path("connection.password").asText(), text);
                        assertEquals("[hidden]", properties.path("producer.override.sasl.jaas.config").asText(), text);
                        assertEquals("orders", properties.path("topic").asText(), "what is no secret is shown: " + text);
                    }
                }
                assertEquals(1, masked, "the connector's config record, masked: " + peek.raw());
                for (String secret : SECRETS) {
                    assertFalse(shown.toString().contains(secret), format + ": a secret in a peek: " + shown);
                }
            }
        }
    }

    private static JsonNode readJson(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private String groupId;

    private TestWorker start(Map<String, String> extra) {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        groupId = KafkaTestBroker.uniqueTopic("secrets-cluster");
        return TestWorker.standalone().pluginPath(pluginPath).with("group.id", groupId)
                .with("config.providers", "file")
                .with("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider")
                .with(extra).start();
    }

    private static boolean topicExists(String topic) {
        try (var admin = KafkaTestBroker.admin()) {
            return admin.listTopics().names().get().contains(topic);
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every readable attribute of the worker's and its clients' MBeans, as text. */
    private static String jmxAttributes() throws Exception {
        StringBuilder all = new StringBuilder();
        for (String domain : List.of("kafka.connect", "kafka.producer", "kafka.consumer", "kafka.admin.client")) {
            for (ObjectName name : JMX.queryNames(new ObjectName(domain + ":*"), null)) {
                MBeanAttributeInfo[] attributes;
                try {
                    attributes = JMX.getMBeanInfo(name).getAttributes();
                } catch (InstanceNotFoundException closed) {
                    continue; // a client (an admin's metadata fetch, a restarted task's) closed after the listing
                }
                all.append(name).append('\n');
                for (MBeanAttributeInfo attribute : attributes) {
                    try {
                        all.append(attribute.getName()).append('=').append(JMX.getAttribute(name, attribute.getName()))
                                .append('\n');
                    } catch (Exception unreadable) {
                        // an attribute that can't be read shows nothing
                    }
                }
            }
        }
        return all.toString();
    }
}
