package io.sluice.runtime.converters.avro;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** The Avro converter's keys, named as Confluent's converter names them, so its configs work unchanged. */
final class AvroConverterConfig extends AbstractConfig {
    static final String URL = "schema.registry.url";
    static final String AUTO_REGISTER = "auto.register.schemas";
    static final String USE_LATEST_VERSION = "use.latest.version";
    static final String LATEST_COMPATIBILITY_STRICT = "latest.compatibility.strict";
    static final String KEY_SUBJECT_STRATEGY = "key.subject.name.strategy";
    static final String VALUE_SUBJECT_STRATEGY = "value.subject.name.strategy";
    static final String AUTH_SOURCE = "basic.auth.credentials.source";
    static final String USER_INFO = "basic.auth.user.info";
    static final String CACHE_SIZE = "schemas.cache.config";
    static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";
    private static final String TOPIC_NAME_STRATEGY = "io.confluent.kafka.serializers.subject.TopicNameStrategy";

    static final ConfigDef CONFIG = new ConfigDef()
            .define(URL, Type.LIST, List.of(), Importance.HIGH,
                    "URLs of the schema registry (the worker's built-in one answers on http://localhost:8081).")
            .define(AUTO_REGISTER, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Register the schema of written records when the subject does not have it yet.")
            .define(USE_LATEST_VERSION, Type.BOOLEAN, false, Importance.LOW,
                    "Write records with the subject's latest registered schema instead of their own.")
            .define(LATEST_COMPATIBILITY_STRICT, Type.BOOLEAN, true, Importance.LOW,
                    "With use.latest.version: fail records whose schema the latest version cannot stand in for "
                            + "(it must read what the record's own schema would write).")
            .define(KEY_SUBJECT_STRATEGY, Type.STRING, TOPIC_NAME_STRATEGY, Importance.LOW,
                    "Subject of key schemas: TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy.")
            .define(VALUE_SUBJECT_STRATEGY, Type.STRING, TOPIC_NAME_STRATEGY, Importance.LOW,
                    "Subject of value schemas: TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy.")
            .define(AUTH_SOURCE, Type.STRING, "URL", ConfigDef.CaseInsensitiveValidString.in("URL", "USER_INFO"),
                    Importance.LOW, "Where HTTP Basic credentials come from: the URL's user info or basic.auth.user.info.")
            .define(USER_INFO, Type.PASSWORD, null, Importance.LOW,
                    "user:password for the registry, with basic.auth.credentials.source=USER_INFO.")
            .define(LATEST_CACHE_TTL_SEC, Type.LONG, -1L, Importance.LOW,
                    "With use.latest.version: how long the latest version is kept before it is asked for again; -1 "
                            + "keeps it until the task restarts.")
            .define(CACHE_SIZE, Type.INT, 1000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "How many Connect schemas the converter keeps converted.");

    AvroConverterConfig(Map<String, ?> props) {
        super(CONFIG, props, false);
    }

    SubjectNameStrategy strategy(boolean isKey) {
        String key = isKey ? KEY_SUBJECT_STRATEGY : VALUE_SUBJECT_STRATEGY;
        return SubjectNameStrategy.of(key, getString(key));
    }

    /** The registry URLs, without user info; credentials go to {@link #userInfo()}. */
    List<String> urls() {
        return getList(URL).stream().map(u -> u.replaceFirst("://[^/@]*@", "://")).toList();
    }

    /** TLS towards an https registry: Confluent's schema.registry.ssl.* keys, as ssl.* settings. */
    javax.net.ssl.SSLContext sslContext() {
        Map<String, Object> ssl = new java.util.HashMap<>();
        originalsWithPrefix("schema.registry.").forEach((k, v) -> {
            if (k.startsWith("ssl.")) {
                ssl.put(k, v instanceof Password p ? p.value() : v);
            }
        });
        return io.sluice.runtime.kafka.ClientSsl.context(ssl);
    }

    /** user:password for Basic authentication, or null. */
    String userInfo() {
        if (getString(AUTH_SOURCE).equalsIgnoreCase("USER_INFO")) {
            Password info = getPassword(USER_INFO);
            if (info == null || info.value().isEmpty()) {
                throw new ConfigException(USER_INFO, "[hidden]", "basic.auth.credentials.source=USER_INFO needs user:password");
            }
            return info.value();
        }
        for (String url : getList(URL)) {
            java.net.URI uri = java.net.URI.create(url);
            if (uri.getRawUserInfo() != null) {
                return java.net.URLDecoder.decode(uri.getRawUserInfo(), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
