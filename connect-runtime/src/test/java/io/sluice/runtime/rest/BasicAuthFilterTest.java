package io.sluice.runtime.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.config.RestConfig;
import io.sluice.runtime.config.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BasicAuthFilterTest {
    @TempDir
    Path dir;

    @Test
    void aMissingOrEmptyUsersFileStopsTheWorkerWithTheKeyNamed() throws Exception {
        ConfigException missing = assertThrows(ConfigException.class,
                () -> BasicAuthFilter.fromFile(dir.resolve("none.properties").toString(), "Sluice", "REST API"));
        assertTrue(missing.getMessage().contains(RestConfig.BASIC_AUTH_USERS_FILE), missing.getMessage());
        Path empty = Files.writeString(dir.resolve("empty.properties"), "# nobody\n");
        assertThrows(ConfigException.class, () -> BasicAuthFilter.fromFile(empty.toString(), "Sluice", "REST API"));
    }

    @Test
    void httpsSettingsPreferTheListenerPrefixOverTopLevelSslKeys() {
        RestConfig prefixed = new WorkerConfig(java.util.Map.of("ssl.keystore.location", "/top.jks",
                "listeners.https.ssl.keystore.location", "/rest.jks")).rest();
        assertEquals("/rest.jks", prefixed.httpsSslSettings().get("ssl.keystore.location"));
        RestConfig topLevel = new WorkerConfig(java.util.Map.of("ssl.keystore.location", "/top.jks")).rest();
        assertEquals("/top.jks", topLevel.httpsSslSettings().get("ssl.keystore.location"));
    }
}
