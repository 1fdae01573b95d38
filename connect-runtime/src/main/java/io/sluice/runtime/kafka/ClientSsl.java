package io.sluice.runtime.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The TLS side of a worker's requests to other workers, from the same ssl.* settings as its HTTPS listener
 * (as Apache's REST client): its trust store decides which workers it trusts, its key store is its client
 * certificate. Without either, the JVM's defaults. It sits in the bottom room, beside the Kafka plumbing whose
 * ssl.* conventions it reads, because the Avro converter's registry client uses it as well as REST and the workers.
 */
public final class ClientSsl {
    private ClientSsl() {
    }

    /** An SSL context from ssl.truststore.* and ssl.keystore.* settings (keys without a listener prefix). */
    public static SSLContext context(Map<String, Object> ssl) {
        try {
            if (!ssl.containsKey("ssl.truststore.location") && !ssl.containsKey("ssl.keystore.location")) {
                return SSLContext.getDefault();
            }
            TrustManagerFactory trust = null;
            if (ssl.containsKey("ssl.truststore.location")) {
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(load(ssl, "ssl.truststore"));
            }
            KeyManagerFactory keys = null;
            if (ssl.containsKey("ssl.keystore.location")) {
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                String keyPassword = text(ssl.getOrDefault("ssl.key.password", ssl.get("ssl.keystore.password")));
                keys.init(load(ssl, "ssl.keystore"), keyPassword == null ? null : keyPassword.toCharArray());
            }
            SSLContext context = SSLContext.getInstance(String.valueOf(ssl.getOrDefault("ssl.protocol", "TLS")));
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(),
                    null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("Cannot set up TLS for requests to other workers from the ssl.* settings: "
                    + e.getMessage());
        }
    }

    private static KeyStore load(Map<String, Object> ssl, String prefix) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(String.valueOf(ssl.getOrDefault(prefix + ".type", "JKS")));
        String password = text(ssl.get(prefix + ".password"));
        try (InputStream in = Files.newInputStream(Path.of(String.valueOf(ssl.get(prefix + ".location"))))) {
            store.load(in, password == null ? null : password.toCharArray());
        }
        return store;
    }

    /** Passwords come as plain strings from files and as Password values from parsed configs. */
    private static String text(Object value) {
        return value instanceof Password p ? p.value() : value == null ? null : value.toString();
    }
}
