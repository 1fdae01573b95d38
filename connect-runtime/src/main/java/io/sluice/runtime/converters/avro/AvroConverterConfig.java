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
    /** Confluent's older name of basic.auth.user.info, still accepted by its converter. */
    static final String OLD_USER_INFO = "schema.registry.basic.auth.user.info";
    static final String CACHE_SIZE = "schemas.cache.config";
    static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";
    static final String SCRUB_INVALID_NAMES = "scrub.invalid.names";
    private static final String TOPIC_NAME_STRATEGY = "io.confluent.kafka.serializers.subject.TopicNameStrategy";

    static final ConfigDef CONFIG = ConfluentOnlyKeys.define(new ConfigDef())
            // required as in Confluent's converter; a worker that runs its own registry gives that one's URL
            .define(URL, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, AvroConverterConfig::ensureRegistryUrls, Importance.HIGH,
                    "URLs of the schema registry, comma-separated (http:// or https://, tried in turn). Required, "
                            + "except on a worker that runs its own registry (schema.registry.listeners): that one.")
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
            .define(OLD_USER_INFO, Type.PASSWORD, null, Importance.LOW,
                    "Confluent's former name of basic.auth.user.info, used when that is unset.")
            .define(LATEST_CACHE_TTL_SEC, Type.LONG, -1L, Importance.LOW,
                    "With use.latest.version: how long the latest version is kept before it is asked for again; -1 "
                            + "keeps it until the task restarts.")
            .define(SCRUB_INVALID_NAMES, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Replace characters Avro names cannot hold (field unit-price is written as unit_price), as "
                            + "Confluent's converter does; false: such a name fails the record.")
            .define(CACHE_SIZE, Type.INT, 1000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "How many Connect schemas the converter keeps converted.")
            // null defaults: with none of the three set, a call is retried for up to 30 s (RegistryRetries)
            .define(RegistryRetries.MAX_RETRIES, Type.INT, null, AvroConverterConfig::noneOrAtLeastZero, Importance.LOW,
                    "How often a registry call that failed in passing (registry unreachable, or electing its writer) "
                            + "is retried, as in Confluent's client (its default: 3). With none of max.retries, "
                            + "retries.wait.ms and retries.max.wait.ms set, such a call is retried for up to 30 s.")
            .define(RegistryRetries.WAIT_MS, Type.LONG, null, AvroConverterConfig::noneOrAtLeastZero, Importance.LOW,
                    "The wait before the first retry of a registry call, doubled before each next one (Confluent's "
                            + "default: 1000).")
            .define(RegistryRetries.MAX_WAIT_MS, Type.LONG, null, AvroConverterConfig::noneOrAtLeastZero, Importance.LOW,
                    "The longest wait between two retries of a registry call (Confluent's default: 20000).");

    /** Unset, or a count or wait of 0 or more (ConfigDef's Range refuses the unset default). */
    private static void noneOrAtLeastZero(String name, Object value) {
        if (value != null && ((Number) value).longValue() < 0) {
            throw new ConfigException(name, value, "must be 0 or more");
        }
    }

    /**
     * The registry URLs must be absolute http(s) URLs: caught when the connector config is validated, not when a
     * task first calls the registry.
     */
    private static void ensureRegistryUrls(String name, Object value) {
        List<?> urls = (List<?>) value;
        if (urls == null) {
            return; // missing: ConfigDef reports the required key
        }
        if (urls.isEmpty()) {
            throw new ConfigException(name, "", "the Avro converter needs the URL of a schema registry, e.g. "
                    + "http://registry:8081");
        }
        for (Object url : urls) {
            String text = String.valueOf(url);
            java.net.URI uri;
            try {
                uri = new java.net.URI(text);
            } catch (java.net.URISyntaxException e) {
                uri = null;
            }
            if (uri == null || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    || uri.getHost() == null) {
                throw new ConfigException(name, redacted(text), "each URL must be http://host:port or "
                        + "https://host:port" + (text.contains("://") ? "" : " (the scheme is missing: http://" + redacted(text) + "?)"));
            }
        }
    }

    /** A URL as it may be shown: the password of its user info hidden. */
    private static String redacted(String url) {
        return url.replaceFirst("(://[^/@:]*):[^/@]*@", "$1:[hidden]@");
    }

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

    /** How calls of a registry that does not answer are retried. */
    RegistryRetries retries() {
        return RegistryRetries.of(getInt(RegistryRetries.MAX_RETRIES), getLong(RegistryRetries.WAIT_MS),
                getLong(RegistryRetries.MAX_WAIT_MS));
    }

    /** user:password for Basic authentication, or null. */
    String userInfo() {
        if (getString(AUTH_SOURCE).equalsIgnoreCase("USER_INFO")) {
            Password info = getPassword(USER_INFO) != null ? getPassword(USER_INFO) : getPassword(OLD_USER_INFO);
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
