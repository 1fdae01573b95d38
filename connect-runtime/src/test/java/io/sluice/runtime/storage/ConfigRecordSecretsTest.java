package io.sluice.runtime.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.runtime.config.SecretKeys;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigRecordSecretsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecretKeys BY_NAME = new SecretKeys(null);

    private static byte[] masked(String value) {
        return ConfigRecordSecrets.masked(value.getBytes(StandardCharsets.UTF_8), BY_NAME::mask, SecretKeys.MASK);
    }

    private static JsonNode maskedJson(String value) throws Exception {
        return JSON.readTree(masked(value));
    }

    @Test
    void aConnectorOrTaskConfigRecordOfAnyClusterHasItsSecretsMaskedAndTheRestKept() throws Exception {
        byte[] written = ConfigRecordFormat.properties(Map.of("connector.class", "JdbcSource",
                "connection.password", "hunter2", "producer.override.sasl.jaas.config", "... password=\"hunter3\";",
                "value.converter.basic.auth.user.info", "u:hunter4", "ssl.truststore.password", "hunter5",
                "connection.url", "jdbc:postgresql://db/app"));
        JsonNode properties = JSON.readTree(ConfigRecordSecrets.masked(written, BY_NAME::mask, SecretKeys.MASK))
                .path("properties");
        for (String secret : new String[] {"connection.password", "producer.override.sasl.jaas.config",
                "value.converter.basic.auth.user.info", "ssl.truststore.password"}) {
            assertEquals("[hidden]", properties.path(secret).asText(), secret);
        }
        assertEquals("JdbcSource", properties.path("connector.class").asText());
        assertEquals("jdbc:postgresql://db/app", properties.path("connection.url").asText());
    }

    @Test
    void aPasswordInsideAStoredUrlIsMaskedInPlace() throws Exception {
        byte[] written = ConfigRecordFormat.properties(Map.of("connector.class", "JdbcSource",
                "connection.url", "jdbc:postgresql://db/app?user=app&password=hunter2",
                "s3.endpoint", "http://key:hunter3@s3.local/"));
        String shown = new String(ConfigRecordSecrets.masked(written, BY_NAME::mask, SecretKeys.MASK),
                StandardCharsets.UTF_8);
        JsonNode properties = JSON.readTree(shown).path("properties");
        assertEquals("jdbc:postgresql://db/app?user=app&password=[hidden]", properties.path("connection.url").asText());
        assertEquals("http://key:[hidden]@s3.local/", properties.path("s3.endpoint").asText());
        assertFalse(shown.contains("hunter"), shown);
    }

    @Test
    void anOldWorkersSchemaEnvelopeAndNonStringValuesAreMaskedToo() throws Exception {
        JsonNode enveloped = maskedJson("{\"schema\": {\"type\": \"struct\"}, \"payload\": {\"properties\": "
                + "{\"db.password\": \"hunter2\", \"name\": \"x\"}}}");
        assertEquals("[hidden]", enveloped.path("payload").path("properties").path("db.password").asText());
        assertEquals("x", enveloped.path("payload").path("properties").path("name").asText());
        JsonNode odd = maskedJson("{\"properties\": {\"secret.code\": 1234, \"api.secret\": {\"v\": \"hunter2\"}}}");
        assertEquals("[hidden]", odd.path("properties").path("secret.code").asText());
        assertEquals("[hidden]", odd.path("properties").path("api.secret").asText());
    }

    @Test
    void theSessionKeyThatSignsRequestsBetweenWorkersIsMasked() throws Exception {
        byte[] written = ConfigRecordFormat.sessionKey(new SessionKey(new byte[] {1, 2, 3}, "HmacSHA256", 7L));
        JsonNode shown = JSON.readTree(ConfigRecordSecrets.masked(written, BY_NAME::mask, SecretKeys.MASK));
        assertEquals("[hidden]", shown.path("key").asText());
        assertEquals("HmacSHA256", shown.path("algorithm").asText());
        assertFalse(new String(ConfigRecordSecrets.masked(written, BY_NAME::mask, SecretKeys.MASK),
                StandardCharsets.UTF_8).contains("AQID"));
    }

    @Test
    void valuesWithNothingToMaskAreTheSameBytes() {
        for (String value : new String[] {"plain text", "{\"id\": 1, \"password\": \"not a config\"}", "{not json",
                "[1, 2]", "{\"properties\": {\"name\": \"x\"}}", "{\"properties\": \"password\"}", ""}) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            assertSame(bytes, ConfigRecordSecrets.masked(bytes, BY_NAME::mask, SecretKeys.MASK), value);
        }
    }
}
