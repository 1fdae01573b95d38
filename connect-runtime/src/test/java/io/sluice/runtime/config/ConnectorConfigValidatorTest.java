package io.sluice.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.runtime.config.ConfigInfos.ConfigInfo;
import io.sluice.runtime.plugins.Plugins;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectorConfigValidatorTest {
    private final Plugins plugins = new Plugins(List.of(), "only_scan");
    private final ConnectorConfigValidator validator = new ConnectorConfigValidator(plugins);

    @AfterEach
    void close() {
        plugins.close();
    }

    private static Map<String, String> sink(String... extra) {
        Map<String, String> config = new HashMap<>();
        config.put("name", "my-sink");
        config.put("connector.class", TestSinkConnector.class.getName());
        config.put("topics", "orders");
        config.put(TestSinkConnector.URL, "http://x");
        for (int i = 0; i < extra.length; i += 2) {
            config.put(extra[i], extra[i + 1]);
        }
        return config;
    }

    private static List<String> errors(ConfigInfos infos, String key) {
        ConfigInfo info = infos.config(key);
        assertNotNull(info, "no entry for " + key);
        return info.value().errors();
    }

    @Test
    void errorSettingsATaskCouldNotRunWithAreRejectedOnTheirKeyBeforeTheConnectorIsCreated() {
        ConfigInfos infos = validator.validate(sink("errors.retry.delay.max.ms", "-1", "errors.retry.timeout", "-2",
                "errors.deadletterqueue.topic.replication.factor", "0"));
        assertEquals(List.of("Invalid value -1 for configuration errors.retry.delay.max.ms: Value must be at least 0"),
                errors(infos, "errors.retry.delay.max.ms"));
        assertEquals(List.of("Invalid value -2 for configuration errors.retry.timeout: Value must be at least -1"),
                errors(infos, "errors.retry.timeout"));
        assertEquals(List.of("Invalid value 0 for configuration errors.deadletterqueue.topic.replication.factor: "
                + "Must be -1 (the broker's default) or at least 1"),
                errors(infos, "errors.deadletterqueue.topic.replication.factor"));
        assertEquals(List.of(), errors(validator.validate(sink("errors.retry.timeout", "-1")), "errors.retry.timeout"),
                "-1 retries for ever");
    }

    @Test
    void aPluginsValidationErrorThatQuotesTheConfigShowsNoneOfItsSecrets() {
        String url = "jdbc:postgresql://127.0.0.1:notaport/shop?user=spy&password=LeakA_1q";
        Map<String, String> config = sink("connection.url", url, "connection.password", "Whole-Secret-9",
                "consumer.override.sasl.jaas.config", "org.Module required password=\"Jaas-Secret-7\";");
        TestSinkConnector echoing = new TestSinkConnector() {
            @Override
            public org.apache.kafka.common.config.Config validate(Map<String, String> props) {
                org.apache.kafka.common.config.Config result = super.validate(props);
                result.configValues().add(new org.apache.kafka.common.config.ConfigValue("connection.url", url,
                        List.of(), List.of("Unable to parse URL " + props.get("connection.url") + " as "
                        + props.get("connection.password") + " with " + props.get("consumer.override.sasl.jaas.config"))));
                return result;
            }
        };

        ConfigInfos infos = validator.validate(config, echoing);
        String error = errors(infos, "connection.url").get(0);
        assertEquals("Unable to parse URL jdbc:postgresql://127.0.0.1:notaport/shop?user=spy&password=[hidden] as "
                + "[hidden] with [hidden]", error);
        String summary = ConnectorConfigValidator.summary(infos);
        assertTrue(summary.contains("password=[hidden]") && !summary.contains("LeakA_1q"), summary);
    }

    @Test
    void validSinkConfigHasNoErrorsAndNamesTheConnectorClass() {
        ConfigInfos infos = validator.validate(sink());
        assertEquals(0, infos.errorCount(), () -> infos.allErrors().toString());
        assertEquals(TestSinkConnector.class.getName(), infos.name());
        assertEquals(List.of("Common", "Transforms", "Predicates", "Error Handling"), infos.groups().subList(0, 4));
        assertEquals("1", infos.config("tasks.max").value().value());
        assertEquals("1", infos.config("tasks.max").definition().defaultValue());
    }

    @Test
    void definitionsNameTheValuesAnEnumeratingValidatorAcceptsForFormsToOffer() {
        ConfigInfos infos = validator.validate(sink());
        assertEquals(List.of("none", "all"), infos.config("errors.tolerance").definition().validValues());
        assertEquals(List.of("none", "restart"), infos.config("config.action.reload").definition().validValues());
        assertNull(infos.config("tasks.max").definition().validValues(), "a range names no values");
        assertNull(infos.config("topics").definition().validValues());
        // Kafka keeps a case-insensitive validator's values upper-cased in a set: given in the default's case, sorted
        assertEquals(List.of("fail", "keep", "replace"), ConfigInfosRenderer.validValues(
                org.apache.kafka.common.config.ConfigDef.CaseInsensitiveValidString.in("fail", "replace", "keep"), "fail"));
        assertEquals(List.of("DELETE", "MOVE", "NONE"), ConfigInfosRenderer.validValues(
                org.apache.kafka.common.config.ConfigDef.CaseInsensitiveValidString.in("NONE", "MOVE", "DELETE"), "NONE"));
        assertEquals(List.of("", "postgresql"), ConfigInfosRenderer.validValues(
                org.apache.kafka.common.config.ConfigDef.ValidString.in("", "postgresql"), ""));
    }

    @Test
    void missingRequiredKeysAreReportedOnThemselves() {
        Map<String, String> config = sink();
        config.remove("name");
        config.remove(TestSinkConnector.URL);
        ConfigInfos infos = validator.validate(config);
        assertEquals(List.of("Missing required configuration \"name\" which has no default value."), errors(infos, "name"));
        assertEquals(List.of("Missing required configuration \"target.url\" which has no default value."),
                errors(infos, TestSinkConnector.URL));
        assertEquals(2, infos.errorCount());
        assertTrue(infos.config("name").definition().required());
    }

    @Test
    void tasksMaxBelowOneIsRejected() {
        ConfigInfos infos = validator.validate(sink("tasks.max", "0"));
        assertEquals(List.of("Invalid value 0 for configuration tasks.max: Value must be at least 1"),
                errors(infos, "tasks.max"));
        ConfigInfos notANumber = validator.validate(sink("tasks.max", "many"));
        assertTrue(errors(notANumber, "tasks.max").get(0).contains("Not a number of type INT"));
    }

    @Test
    void unknownConnectorClassIsOneErrorOnConnectorClass() {
        ConfigInfos infos = validator.validate(sink("connector.class", "com.example.NoSuchConnector"));
        List<String> classErrors = errors(infos, "connector.class");
        assertEquals(1, classErrors.size());
        assertTrue(classErrors.get(0).contains("com.example.NoSuchConnector"), classErrors.get(0));
        assertEquals(1, infos.errorCount());
        assertEquals("com.example.NoSuchConnector", infos.name());
    }

    @Test
    void missingConnectorClassIsReportedAsMissing() {
        Map<String, String> config = sink();
        config.remove("connector.class");
        ConfigInfos infos = validator.validate(config);
        assertEquals(List.of("Missing required configuration \"connector.class\" which has no default value."),
                errors(infos, "connector.class"));
    }

    @Test
    void connectorValidateThatThrowsBecomesAnErrorOnConnectorClass() {
        ConfigInfos infos = validator.validate(sink(TestSinkConnector.FAIL, "true"));
        List<String> classErrors = errors(infos, "connector.class");
        assertEquals(1, classErrors.size());
        assertTrue(classErrors.get(0).contains("boom from validate"), classErrors.get(0));
    }

    @Test
    void sinkNeedsExactlyOneOfTopicsAndTopicsRegex() {
        Map<String, String> none = sink();
        none.remove("topics");
        ConfigInfos neither = validator.validate(none);
        assertEquals(List.of("Must configure one of topics or topics.regex"), errors(neither, "topics"));
        assertEquals(List.of("Must configure one of topics or topics.regex"), errors(neither, "topics.regex"));

        ConfigInfos both = validator.validate(sink("topics.regex", "orders-.*"));
        String message = "topics and topics.regex are mutually exclusive options, but both are set.";
        assertEquals(List.of(message), errors(both, "topics"));
        assertEquals(List.of(message), errors(both, "topics.regex"));
        assertEquals(2, both.errorCount());
    }

    @Test
    void deadLetterQueueTopicMayNotBeConsumed() {
        ConfigInfos listed = validator.validate(sink("topics", "orders,dlq", "errors.deadletterqueue.topic.name", "dlq"));
        assertEquals(List.of("The DLQ topic 'dlq' may not be included in the list of topics ('topics=[orders, dlq]') "
                + "consumed by the connector"), errors(listed, "topics"));
        Map<String, String> regexConfig = sink("errors.deadletterqueue.topic.name", "dlq-orders", "topics.regex", "dlq-.*");
        regexConfig.remove("topics");
        assertEquals(1, validator.validate(regexConfig).errorCount());
    }

    @Test
    void badErrorToleranceAndRegexAreRejected() {
        ConfigInfos infos = validator.validate(sink("errors.tolerance", "some"));
        assertEquals(List.of("Invalid value some for configuration errors.tolerance: String must be one of: none, all"),
                errors(infos, "errors.tolerance"));
        Map<String, String> regex = sink("topics.regex", "(");
        regex.remove("topics");
        assertTrue(errors(validator.validate(regex), "topics.regex").get(0).startsWith("Invalid value ( for configuration topics.regex: Invalid regex"));
    }

    @Test
    void passwordValuesAreHidden() {
        ConfigInfos infos = validator.validate(sink(TestSinkConnector.SECRET, "hunter2"));
        assertEquals("[hidden]", infos.config(TestSinkConnector.SECRET).value().value());
        assertEquals("PASSWORD", infos.config(TestSinkConnector.SECRET).definition().type());
        assertTrue(!infos.toString().contains("hunter2"));
    }

    @Test
    void transformKeysAreEnrichedFromTheRealSmt() {
        ConfigInfos infos = validator.validate(sink("transforms", "addSource",
                "transforms.addSource.type", "org.apache.kafka.connect.transforms.InsertField$Value",
                "transforms.addSource.static.field", "source", "transforms.addSource.static.value", "sluice"));
        assertEquals(0, infos.errorCount(), () -> infos.allErrors().toString());
        ConfigInfo type = infos.config("transforms.addSource.type");
        assertEquals("CLASS", type.definition().type());
        assertEquals("Transforms: addSource", type.definition().group());
        assertTrue(type.definition().required());
        ConfigInfo staticField = infos.config("transforms.addSource.static.field");
        assertNotNull(staticField, "InsertField's own keys are embedded under the alias prefix");
        assertEquals("source", staticField.value().value());
        assertEquals("Transforms: addSource", staticField.definition().group());
        assertNotNull(infos.config("transforms.addSource.predicate"));
        assertEquals("false", infos.config("transforms.addSource.negate").definition().defaultValue());
        assertTrue(infos.groups().contains("Transforms: addSource"));
    }

    @Test
    void badTransformAliasesAreReportedOnTheirTypeKey() {
        ConfigInfos unknown = validator.validate(sink("transforms", "t", "transforms.t.type", "com.example.Nope"));
        assertEquals(List.of("Invalid value com.example.Nope for configuration transforms.t.type: "
                + "Class com.example.Nope could not be found."), errors(unknown, "transforms.t.type"));

        ConfigInfos missing = validator.validate(sink("transforms", "t"));
        assertEquals(List.of("Missing required configuration \"transforms.t.type\" which has no default value."),
                errors(missing, "transforms.t.type"));

        ConfigInfos abstractType = validator.validate(sink("transforms", "t",
                "transforms.t.type", "org.apache.kafka.connect.transforms.InsertField"));
        String message = errors(abstractType, "transforms.t.type").get(0);
        assertTrue(message.contains("Transformation is abstract and cannot be created. Did you mean"), message);
        assertTrue(message.contains("InsertField$Value"), message);

        ConfigInfos duplicate = validator.validate(sink("transforms", "a,a",
                "transforms.a.type", "org.apache.kafka.connect.transforms.InsertField$Value"));
        assertEquals(List.of("Invalid value [a, a] for configuration transforms: Duplicate alias provided."),
                errors(duplicate, "transforms"));
    }

    @Test
    void negateWithoutPredicateIsReported() {
        ConfigInfos infos = validator.validate(sink("transforms", "t",
                "transforms.t.type", "org.apache.kafka.connect.transforms.InsertField$Value",
                "transforms.t.negate", "true"));
        assertEquals(List.of("Config 'transforms.t.negate' was provided but there is no config "
                + "'transforms.t.predicate' defining a predicate to be negated."), errors(infos, "transforms.t.type"));
    }

    @Test
    void predicateKeysAreEnriched() {
        ConfigInfos infos = validator.validate(sink("predicates", "isOrders",
                "predicates.isOrders.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
                "predicates.isOrders.pattern", "orders"));
        assertEquals(0, infos.errorCount(), () -> infos.allErrors().toString());
        assertEquals("Predicates: isOrders", infos.config("predicates.isOrders.pattern").definition().group());
    }

    @Test
    void converterNamesAreCheckedAndTheirKeysEnriched() {
        ConfigInfos infos = validator.validate(sink("value.converter", "org.apache.kafka.connect.json.JsonConverter",
                "value.converter.schemas.enable", "false"));
        assertEquals(0, infos.errorCount(), () -> infos.allErrors().toString());
        assertEquals("CLASS", infos.config("value.converter").definition().type());
        ConfigInfo schemas = infos.config("value.converter.schemas.enable");
        assertNotNull(schemas, "JsonConverter's own keys appear under value.converter.");
        assertEquals("false", schemas.value().value());

        ConfigInfos bad = validator.validate(sink("key.converter", "com.example.NoConverter"));
        assertEquals(List.of("Invalid value com.example.NoConverter for configuration key.converter: "
                + "Class com.example.NoConverter could not be found."), errors(bad, "key.converter"));
    }

    @Test
    void aClassOfAnotherKindIsReportedAsNotImplementingThePluginInterfaceNotAsMissing() {
        ConfigInfos infos = validator.validate(sink("transforms", "x,y", "transforms.x.type", "java.lang.String",
                "transforms.y.type", "org.apache.kafka.connect.json.JsonConverter", "predicates", "p", "predicates.p.type", "java.lang.String",
                "key.converter", "java.lang.String", "header.converter", "org.apache.kafka.connect.transforms.Filter"));
        assertEquals(List.of("Invalid value java.lang.String for configuration transforms.x.type: "
                + "Class java.lang.String does not implement the Transformation interface"), errors(infos, "transforms.x.type"));
        assertTrue(errors(infos, "transforms.y.type").get(0).endsWith(
                "Class org.apache.kafka.connect.json.JsonConverter does not implement the Transformation interface"),
                errors(infos, "transforms.y.type").toString());
        assertTrue(errors(infos, "predicates.p.type").get(0).endsWith(
                "Class java.lang.String does not implement the Predicate interface"), errors(infos, "predicates.p.type").toString());
        assertTrue(errors(infos, "key.converter").get(0).endsWith(
                "Class java.lang.String does not implement the Converter interface"), errors(infos, "key.converter").toString());
        assertTrue(errors(infos, "header.converter").get(0).endsWith("Class org.apache.kafka.connect.transforms.Filter "
                + "does not implement the HeaderConverter interface"), errors(infos, "header.converter").toString());

        ConfigInfos notAConnector = validator.validate(sink("connector.class", "org.apache.kafka.connect.json.JsonConverter"));
        assertEquals(List.of("Class org.apache.kafka.connect.json.JsonConverter is not a connector: a connector class "
                + "extends SourceConnector or SinkConnector"), errors(notAConnector, "connector.class"));
    }

    @Test
    void sourceTopicCreationKeysFollowTheDefaultGroup() {
        Map<String, String> config = new HashMap<>(Map.of("name", "src", "connector.class", TestSourceConnector.class.getName(),
                "topic.creation.default.partitions", "3", "topic.creation.groups", "compacted",
                "topic.creation.compacted.include", "compacted-.*"));
        ConfigInfos infos = validator.validate(config);
        assertEquals(List.of("Missing required configuration \"topic.creation.default.replication.factor\" which has no "
                + "default value."), errors(infos, "topic.creation.default.replication.factor"));
        // Apache embeds the group's keys under "Topic Creation: <group>" a second time; kept as Apache renders it
        assertTrue(infos.config("topic.creation.compacted.include").definition().group().startsWith("Topic Creation: compacted"));

        config.put("topic.creation.default.replication.factor", "-1");
        ConfigInfos valid = validator.validate(config);
        assertEquals(0, valid.errorCount(), () -> valid.allErrors().toString());
        assertEquals("3", valid.config("topic.creation.compacted.partitions").definition().defaultValue());
        assertNotNull(valid.config("exactly.once.support"));
        assertNull(valid.config("topics"), "sink keys are not part of a source validation");
    }

    @Test
    void resultSerializesWithApacheFieldNames() throws Exception {
        ConfigInfos infos = validator.validate(sink("tasks.max", "0"));
        JsonNode json = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(infos));
        assertEquals(1, json.get("error_count").asInt());
        assertTrue(json.get("groups").isArray());
        JsonNode first = json.get("configs").get(0);
        for (String field : List.of("name", "type", "required", "default_value", "importance", "documentation",
                "group", "order_in_group", "width", "display_name", "dependents")) {
            assertTrue(first.get("definition").has(field), field);
        }
        for (String field : List.of("name", "value", "recommended_values", "errors", "visible")) {
            assertTrue(first.get("value").has(field), field);
        }
        assertEquals(4, json.size(), "only name, error_count, groups, configs");
    }

    @Test
    void placeholdersAreResolvedForValidationButShownAsWritten(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path secrets = dir.resolve("secrets.properties");
        java.nio.file.Files.writeString(secrets, "url=http://resolved\n");
        Map<String, String> worker = Map.of("config.providers", "file",
                "config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        try (ConfigProviders providers = new ConfigProviders(worker, plugins)) {
            String placeholder = "${file:" + secrets + ":url}";
            Map<String, String> raw = sink(TestSinkConnector.URL, placeholder);
            ConfigInfos infos = new ConnectorConfigValidator(plugins, providers, false).validate(raw);
            assertEquals(0, infos.errorCount(), () -> infos.allErrors().toString());
            assertEquals(placeholder, infos.config(TestSinkConnector.URL).value().value());
            assertEquals(placeholder, raw.get(TestSinkConnector.URL), "the caller's config is not modified");
        }
    }

    @Test
    void onAnExactlyOnceWorkerRequiredSupportAndConnectorBoundariesMustBeBackedByTheConnector() {
        Map<String, String> config = new HashMap<>(Map.of("name", "eos-source",
                "connector.class", TestSourceConnector.class.getName(),
                "exactly.once.support", "required", "transaction.boundary", "connector"));
        ConfigInfos checked = new ConnectorConfigValidator(plugins, null, true).validate(config);
        assertEquals(1, errors(checked, "exactly.once.support").size(), () -> checked.allErrors().toString());
        assertTrue(errors(checked, "exactly.once.support").get(0).contains("preflight validation"));
        assertEquals(List.of("The connector does not support connector-defined transaction boundaries with the given "
                + "configuration. Reconfigure it to use a different transaction boundary definition."),
                errors(checked, "transaction.boundary"));

        // a worker without exactly-once source ignores both keys, as Apache does
        ConfigInfos unchecked = validator.validate(config);
        assertEquals(List.of(), errors(unchecked, "exactly.once.support"));
        assertEquals(List.of(), errors(unchecked, "transaction.boundary"));
    }

    @Test
    void aSourceMayNotKeepItsOffsetsInTheWorkersConfigOrStatusTopicOrInATopicKafkaCannotName() {
        ConnectorConfigValidator onWorker = new ConnectorConfigValidator(plugins, null, false,
                java.util.Set.of("cluster-configs", "cluster-status"));
        for (String taken : List.of("cluster-configs", " cluster-status ")) {
            ConfigInfos checked = onWorker.validate(Map.of("name", "src", "connector.class",
                    TestSourceConnector.class.getName(), "offsets.storage.topic", taken));
            List<String> errors = errors(checked, "offsets.storage.topic");
            assertEquals(1, errors.size(), () -> checked.allErrors().toString());
            assertTrue(errors.get(0).contains(taken.trim()) && errors.get(0).contains("a topic of their own"), errors.get(0));
        }
        ConfigInfos own = onWorker.validate(Map.of("name", "src", "connector.class",
                TestSourceConnector.class.getName(), "offsets.storage.topic", "src-offsets"));
        assertEquals(List.of(), errors(own, "offsets.storage.topic"));
        ConfigInfos unnamable = onWorker.validate(Map.of("name", "src", "connector.class",
                TestSourceConnector.class.getName(), "offsets.storage.topic", "my offsets!"));
        List<String> nameErrors = errors(unnamable, "offsets.storage.topic");
        assertEquals(1, nameErrors.size(), () -> unnamable.allErrors().toString());
        assertTrue(nameErrors.get(0).startsWith("Not a valid Kafka topic name"), nameErrors.get(0));
    }
}
