package io.sluice.runtime.schemaregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.converters.avro.AvroConverter;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestKeystores;
import java.io.FileInputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry behind the REST API's TLS (listeners.https.ssl.*) and basic authentication
 * (rest.basic.auth.users.file), and the Avro converter reaching it with Confluent's keys.
 */
class SchemaRegistrySecurityIT {
    private static final String PASSWORD = "store-secret";

    @TempDir
    Path dir;

    @Test
    void anHttpsRegistryWithBasicAuthServesOnlyAuthenticatedClientsAndTheConverterReachesIt() throws Exception {
        Path keystore = TestKeystores.selfSigned(dir.resolve("registry.p12"), PASSWORD);
        Path users = Files.writeString(dir.resolve("users.properties"), "alice=wonder\n");
        Map<String, String> extra = new HashMap<>();
        extra.put("schema.registry.listeners", "https://127.0.0.1:0");
        extra.put("listeners.https.ssl.keystore.location", keystore.toString());
        extra.put("listeners.https.ssl.keystore.password", PASSWORD);
        extra.put("listeners.https.ssl.key.password", PASSWORD);
        extra.put("listeners.https.ssl.keystore.type", "PKCS12");
        extra.put("rest.basic.auth.users.file", users.toString());
        try (TestRegistry registry = TestRegistry.on(io.sluice.runtime.testing.KafkaTestBroker.uniqueTopic("_schemas"), extra)) {
            assertEquals("https", registry.url().getScheme());
            RestClient tls = new RestClient(registry.url(), HttpClient.newBuilder().sslContext(trusting(keystore)).build());
            RestClient.Response anonymous = tls.get("/subjects");
            assertEquals(401, anonymous.status(), anonymous.raw());
            assertTrue(anonymous.headers().firstValue("WWW-Authenticate").isPresent());
            String basic = "Basic " + Base64.getEncoder().encodeToString("alice:wonder".getBytes());
            assertEquals(200, tls.request("GET", "/subjects", null, "Authorization", basic).status());

            Map<String, Object> converterProps = new HashMap<>();
            converterProps.put("schema.registry.url", registry.url().toString());
            converterProps.put("schema.registry.ssl.truststore.location", keystore.toString());
            converterProps.put("schema.registry.ssl.truststore.password", PASSWORD);
            converterProps.put("schema.registry.ssl.truststore.type", "PKCS12");
            converterProps.put("basic.auth.credentials.source", "USER_INFO");
            converterProps.put("basic.auth.user.info", "alice:wonder");
            AvroConverter converter = new AvroConverter();
            converter.configure(converterProps, false);
            byte[] bytes = converter.fromConnectData("secure", Schema.STRING_SCHEMA, "hello");
            assertEquals("hello", converter.toConnectData("secure", bytes).value());

            converterProps.put("basic.auth.user.info", "alice:wrong");
            AvroConverter wrong = new AvroConverter();
            wrong.configure(converterProps, false);
            DataException refused = assertThrows(DataException.class,
                    () -> wrong.fromConnectData("secure2", Schema.STRING_SCHEMA, "hello"));
            assertTrue(refused.getMessage().contains("401"), refused.getMessage());
            assertTrue(!refused.getMessage().contains("wrong") && !refused.getMessage().contains("wonder"),
                    "no password in the message: " + refused.getMessage());
        }
    }

    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile())) {
            store.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
