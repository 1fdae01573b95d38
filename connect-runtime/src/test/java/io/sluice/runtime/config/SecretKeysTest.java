package io.sluice.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.sluice.runtime.plugins.Plugins;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretKeysTest {
    private final SecretKeys secrets = new SecretKeys(new Plugins(List.of(), null));

    @Test
    void passwordKeysOfEveryDefinitionThatAppliesAreMaskedAndOthersShown() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", TestSinkConnector.class.getName());
        config.put(TestSinkConnector.URL, "https://example.com");
        config.put(TestSinkConnector.SECRET, "by-type");                       // the connector's PASSWORD key
        config.put("connection.password", "by-name");                          // nobody defines it: its name says
        config.put("producer.override.ssl.key.password", "client-override");   // the producer's PASSWORD key
        config.put("consumer.override.sasl.jaas.config", "jaas");
        config.put("api.token", "${file:/etc/secrets:token}");                 // a placeholder names, never holds, it
        config.put("tasks.max", "1");

        Map<String, String> masked = secrets.mask(config);

        assertEquals(List.copyOf(config.keySet()), List.copyOf(masked.keySet()), "order kept");
        assertEquals("https://example.com", masked.get(TestSinkConnector.URL));
        assertEquals("[hidden]", masked.get(TestSinkConnector.SECRET));
        assertEquals("[hidden]", masked.get("connection.password"));
        assertEquals("[hidden]", masked.get("producer.override.ssl.key.password"));
        assertEquals("[hidden]", masked.get("consumer.override.sasl.jaas.config"));
        assertEquals("${file:/etc/secrets:token}", masked.get("api.token"));
        assertEquals("1", masked.get("tasks.max"));
    }

    @Test
    void aMaskedValueSentBackKeepsTheStoredSecretAndAnythingElseIsTakenAsSent() {
        Map<String, String> stored = Map.of("connector.class", TestSinkConnector.class.getName(),
                TestSinkConnector.SECRET, "stored-secret", TestSinkConnector.URL, "https://old");
        Map<String, String> submitted = Map.of("connector.class", TestSinkConnector.class.getName(),
                TestSinkConnector.SECRET, "[hidden]", TestSinkConnector.URL, "[hidden]");

        Map<String, String> result = secrets.unmask(submitted, stored);

        assertEquals("stored-secret", result.get(TestSinkConnector.SECRET));
        assertEquals("[hidden]", result.get(TestSinkConnector.URL), "not a secret: taken as sent");
        Map<String, String> fresh = Map.of(TestSinkConnector.SECRET, "[hidden]");
        assertSame(fresh, secrets.unmask(fresh, null), "a new connector has nothing to put back");
    }

    @Test
    void aPasswordInsideAUrlIsMaskedInPlaceAndTheRestOfTheUrlShown() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connection.url", "jdbc:postgresql://db:5432/shop?user=app&password=s3cr3t&ssl=true");
        config.put("source.url", "jdbc:mysql://app:pa55@db:3306/shop");
        config.put("mssql.url", "jdbc:sqlserver://db;user=app;Password=x!y;encrypt=true");
        config.put("provided.url", "jdbc:postgresql://db/shop?password=${file:/etc/db.properties:password}");
        config.put("plain.url", "jdbc:postgresql://db:5432/shop?user=app");

        Map<String, String> masked = secrets.mask(config);

        assertEquals("jdbc:postgresql://db:5432/shop?user=app&password=[hidden]&ssl=true", masked.get("connection.url"));
        assertEquals("jdbc:mysql://app:[hidden]@db:3306/shop", masked.get("source.url"));
        assertEquals("jdbc:sqlserver://db;user=app;Password=[hidden];encrypt=true", masked.get("mssql.url"));
        assertEquals(config.get("provided.url"), masked.get("provided.url"), "a placeholder names the secret");
        assertEquals(config.get("plain.url"), masked.get("plain.url"));
        assertEquals(masked, secrets.mask(masked), "masking a masked config changes nothing");
    }

    @Test
    void aUrlSentBackWithItsPasswordMaskedKeepsTheStoredPasswordEvenWhenTheRestChanged() {
        Map<String, String> stored = Map.of(
                "connection.url", "jdbc:postgresql://db:5432/shop?user=app&password=s3cr3t",
                "source.url", "jdbc:mysql://app:pa55@db:3306/shop");
        Map<String, String> submitted = Map.of(
                "connection.url", "jdbc:postgresql://db2:5432/shop?user=app&password=[hidden]&ssl=true",
                "source.url", "jdbc:mysql://app:n3w@db:3306/shop");

        Map<String, String> result = secrets.unmask(submitted, stored);

        assertEquals("jdbc:postgresql://db2:5432/shop?user=app&password=s3cr3t&ssl=true", result.get("connection.url"));
        assertEquals("jdbc:mysql://app:n3w@db:3306/shop", result.get("source.url"), "a new password is taken as sent");
        Map<String, String> noneStored = Map.of("connection.url", "jdbc:postgresql://db/x?password=[hidden]");
        assertEquals(noneStored, secrets.unmask(noneStored, Map.of("connection.url", "jdbc:postgresql://db/x")),
                "nothing stored to put back: taken as sent");
    }

    @Test
    void loggedConfigsHideAUrlsPasswordToo() {
        assertEquals("{connection.url=jdbc:postgresql://db/shop?password=[hidden]}", ConfigRedactor.toLogString(
                Map.of("connection.url", "jdbc:postgresql://db/shop?password=s3cr3t"), null));
    }

    @Test
    void taskConfigsAreMaskedWithTheirConnectorsDefinitions() {
        Map<String, String> connector = Map.of("connector.class", TestSinkConnector.class.getName());
        Map<String, String> task = Map.of(TestSinkConnector.SECRET, "s", "task.class", "x", "db.secret.key", "k");

        Map<String, String> masked = secrets.maskWith(task, connector);

        assertEquals("[hidden]", masked.get(TestSinkConnector.SECRET));
        assertEquals("[hidden]", masked.get("db.secret.key"));
        assertEquals("x", masked.get("task.class"));
    }
}
