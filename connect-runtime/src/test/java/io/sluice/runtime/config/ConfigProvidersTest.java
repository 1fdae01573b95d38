package io.sluice.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.plugins.Plugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigProvidersTest {
    private static final String FILE = "org.apache.kafka.common.config.provider.FileConfigProvider";
    private static final String DIRECTORY = "org.apache.kafka.common.config.provider.DirectoryConfigProvider";
    private static final String ENV = "org.apache.kafka.common.config.provider.EnvVarConfigProvider";

    private final Plugins plugins = new Plugins(List.of(), "only_scan");

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        plugins.close();
    }

    private Map<String, String> worker(String... extra) {
        Map<String, String> props = new HashMap<>(Map.of("config.providers", "file,dir,env",
                "config.providers.file.class", FILE, "config.providers.dir.class", DIRECTORY,
                "config.providers.env.class", ENV));
        for (int i = 0; i < extra.length; i += 2) {
            props.put(extra[i], extra[i + 1]);
        }
        return props;
    }

    @Test
    void filePlaceholdersResolveWithAndWithoutPath() throws Exception {
        Path secrets = Files.writeString(dir.resolve("db.properties"), "password=s3cret\nuser=app\n");
        try (ConfigProviders providers = new ConfigProviders(worker(), plugins)) {
            Map<String, String> resolved = providers.resolve(Map.of(
                    "connection.password", "${file:" + secrets + ":password}",
                    "connection.url", "jdbc:postgresql://db/${file:" + secrets + ":user}",
                    "plain", "value"));
            assertEquals("s3cret", resolved.get("connection.password"));
            assertEquals("jdbc:postgresql://db/app", resolved.get("connection.url"));
            assertEquals("value", resolved.get("plain"));
        }
    }

    @Test
    void directoryAndEnvironmentPlaceholdersResolve() throws Exception {
        Files.writeString(dir.resolve("token"), "abc123");
        Map.Entry<String, String> someVar = System.getenv().entrySet().iterator().next();
        try (ConfigProviders providers = new ConfigProviders(worker(), plugins)) {
            Map<String, String> resolved = providers.resolve(Map.of(
                    "api.token", "${dir:" + dir + ":token}",
                    "from.env", "${env:" + someVar.getKey() + "}"));
            assertEquals("abc123", resolved.get("api.token"));
            assertEquals(someVar.getValue(), resolved.get("from.env"));
        }
    }

    @Test
    void unknownProvidersAndMissingKeysStayAsWritten() throws Exception {
        Path secrets = Files.writeString(dir.resolve("a.properties"), "present=1\n");
        try (ConfigProviders providers = new ConfigProviders(worker(), plugins)) {
            Map<String, String> raw = Map.of("a", "${vault:secret/db:password}", "b", "${file:" + secrets + ":absent}");
            assertEquals(raw, providers.resolve(raw));
        }
    }

    @Test
    void providerParamsAreHandedToConfigure() throws Exception {
        Path allowed = Files.createDirectory(dir.resolve("allowed"));
        Path outside = Files.writeString(dir.resolve("outside.properties"), "k=v\n");
        Files.writeString(allowed.resolve("in.properties"), "k=inside\n");
        try (ConfigProviders providers = new ConfigProviders(
                worker("config.providers.file.param.allowed.paths", allowed.toString()), plugins)) {
            assertEquals("inside", providers.resolve(Map.of("x", "${file:" + allowed.resolve("in.properties") + ":k}")).get("x"));
            String outsidePlaceholder = "${file:" + outside + ":k}";
            assertEquals(outsidePlaceholder, providers.resolve(Map.of("x", outsidePlaceholder)).get("x"),
                    "a path outside allowed.paths is not read");
        }
    }

    @Test
    void providerFailuresNameTheKeyButNotTheValue() {
        try (ConfigProviders providers = new ConfigProviders(worker(), plugins)) {
            ConnectException e = assertThrows(ConnectException.class, () -> providers.resolve(
                    Map.of("connection.password", "${file:" + dir.resolve("missing.properties") + ":password}")));
            assertTrue(e.getMessage().contains("'connection.password'"), e.getMessage());
        }
    }

    @Test
    void unknownProviderClassFailsNamingTheProvider() {
        ConnectException e = assertThrows(ConnectException.class,
                () -> new ConfigProviders(Map.of("config.providers", "vault",
                        "config.providers.vault.class", "com.example.VaultProvider"), plugins));
        assertTrue(e.getMessage().contains("'vault'"), e.getMessage());
        assertTrue(e.getMessage().contains("com.example.VaultProvider"), e.getMessage());
    }

    @Test
    void providersFromAWorkerConfigObject() throws Exception {
        Path secrets = Files.writeString(dir.resolve("w.properties"), "k=v\n");
        try (ConfigProviders providers = new ConfigProviders(new WorkerConfig(worker()), plugins)) {
            assertEquals(List.of("file", "dir", "env"), List.copyOf(providers.names()));
            assertEquals("v", providers.resolve(Map.of("x", "${file:" + secrets + ":k}")).get("x"));
        }
    }

    @Test
    void workerConfigPlaceholdersResolveWithItsOwnProviders() throws Exception {
        Path secrets = Files.writeString(dir.resolve("worker-secrets.properties"), "servers=broker:9092\n");
        Map<String, String> raw = worker("bootstrap.servers", "${file:" + secrets + ":servers}");
        Map<String, String> resolved = ConfigProviders.resolveWorkerConfig(raw, plugins);
        assertEquals("broker:9092", resolved.get("bootstrap.servers"));
        assertEquals(FILE, resolved.get("config.providers.file.class"));
        assertTrue(raw.get("bootstrap.servers").startsWith("${file:"), "the raw config is not modified");
    }

    @Test
    void resolvingReturnsACopyAndLeavesStoredConfigUnresolved() throws Exception {
        Path secrets = Files.writeString(dir.resolve("s.properties"), "password=p\n");
        Map<String, String> stored = new HashMap<>(Map.of("db.password", "${file:" + secrets + ":password}"));
        try (ConfigProviders providers = new ConfigProviders(worker(), plugins)) {
            Map<String, String> resolved = providers.resolve(stored);
            assertEquals("p", resolved.get("db.password"));
            assertTrue(stored.get("db.password").startsWith("${file:"));
        }
    }

    @Test
    void closeIsIdempotent() {
        ConfigProviders providers = new ConfigProviders(worker(), plugins);
        providers.close();
        providers.close();
    }

    @Test
    void redactionHidesPasswordsSecretNamesAndPlaceholderValues() {
        ConfigDef def = new ConfigDef().define("conn.pw", ConfigDef.Type.PASSWORD, ConfigDef.Importance.HIGH, "pw");
        Map<String, String> raw = Map.of("conn.pw", "a", "db.password", "b", "client.secret", "c",
                "sasl.jaas.config", "d", "url", "${file:/x:url}", "topics", "orders");
        Map<String, String> resolved = new HashMap<>(raw);
        resolved.put("url", "jdbc:secret-host");
        Map<String, String> redacted = ConfigRedactor.redact(resolved, raw, def);
        assertEquals("orders", redacted.get("topics"));
        for (String key : List.of("conn.pw", "db.password", "client.secret", "sasl.jaas.config", "url")) {
            assertEquals("[hidden]", redacted.get(key), key);
        }
        assertFalse(ConfigRedactor.toLogString(raw, def).contains("${file"));
        assertTrue(ConfigRedactor.isSensitiveName("value.converter.basic.auth.user.info"), "a registry's user:password");
        assertTrue(ConfigRedactor.hasPlaceholder("x${env:HOME}y"));
        assertFalse(ConfigRedactor.hasPlaceholder("${notaplaceholder}"));
    }
}
