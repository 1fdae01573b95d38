package io.sluice.runtime.converters.avro;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.slf4j.Logger;

/**
 * The keys Confluent's AvroConverter accepts that Sluice's does not implement, so none is silently ignored: those
 * that would change what is written or read, or how the registry is reached, are refused unless set to Confluent's
 * default (connector validation reports them); those without effect on a converter are accepted with a warning.
 * docs/schema-registry.md lists both.
 */
final class ConfluentOnlyKeys {

    /** A refused key: Confluent's default (the only value accepted; null: only unset or empty) and why. */
    private record Refused(String name, String confluentDefault, String why) {
    }

    private static final List<Refused> REFUSED = List.of(
            new Refused("enhanced.avro.schema.support", "false", "enum symbols and package names are not preserved"),
            new Refused("connect.meta.data", "true", "Connect metadata is always written"),
            new Refused("generalized.sum.type.support", "false", "unions map to io.confluent.connect.avro.Union"),
            new Refused("ignore.default.for.nullables", "false", "a null optional field stays null"),
            new Refused("allow.optional.map.keys", "false", "optional-keyed maps are written as arrays of entries"),
            new Refused("discard.type.doc.default", "false", "docs and defaults are kept as Confluent's default does"),
            new Refused("normalize.schemas", "false", "schemas are registered as written"),
            new Refused("use.schema.id", "-1", "the id is registered, looked up or the latest version's"),
            new Refused("use.latest.with.metadata", null, "schema metadata is not supported"),
            new Refused("context.name.strategy", "io.confluent.kafka.serializers.context.NullContextNameStrategy",
                    "schema contexts are not supported"),
            new Refused("key.schema.id.serializer", "io.confluent.kafka.serializers.schema.id.PrefixSchemaIdSerializer",
                    "the id is written in front of the data"),
            new Refused("value.schema.id.serializer", "io.confluent.kafka.serializers.schema.id.PrefixSchemaIdSerializer",
                    "the id is written in front of the data"),
            new Refused("key.schema.id.deserializer", "io.confluent.kafka.serializers.schema.id.DualSchemaIdDeserializer",
                    "the id is read from in front of the data"),
            new Refused("value.schema.id.deserializer", "io.confluent.kafka.serializers.schema.id.DualSchemaIdDeserializer",
                    "the id is read from in front of the data"),
            new Refused("schema.format", null, "schemas are registered in Avro's JSON form"),
            new Refused("rule.executors", null, "data contract rules are not supported"),
            new Refused("rule.actions", null, "data contract rules are not supported"),
            new Refused("bearer.auth.token", null, "bearer authentication is not supported: use basic.auth.*"),
            new Refused("bearer.auth.issuer.endpoint.url", null, "bearer authentication is not supported: use basic.auth.*"),
            new Refused("bearer.auth.custom.provider.class", null, "bearer authentication is not supported: use basic.auth.*"),
            new Refused("bearer.auth.client.secret", null, "bearer authentication is not supported: use basic.auth.*"),
            new Refused("proxy.host", null, "the registry is called directly, without a proxy"),
            new Refused("proxy.port", null, "the registry is called directly, without a proxy"));

    /** Keys with no effect on a Connect converter, or covered by Sluice's own fixed settings: accepted, warned about. */
    static final List<String> IGNORED = List.of("max.schemas.per.subject", "latest.cache.size",
            "http.connect.timeout.ms", "http.read.timeout.ms",
            "id.compatibility.strict", "propagate.schema.tags", "rule.service.loader.enable", "schema.reflection",
            "specific.avro.reader", "avro.reflection.allow.null", "avro.use.logical.type.converters",
            "avro.remove.java.properties", "bearer.auth.credentials.source");

    private static final String REQUEST_HEADERS = "request.header.";

    private ConfluentOnlyKeys() {
    }

    /** Defines the refused keys, each with a validator that accepts only Confluent's default. */
    static ConfigDef define(ConfigDef def) {
        for (Refused key : REFUSED) {
            // a token or secret is a password: hidden wherever the config is shown, and never put in the message
            boolean secret = key.name().endsWith(".token") || key.name().endsWith(".secret");
            def.define(key.name(), secret ? Type.PASSWORD : Type.STRING, null, (name, value) -> {
                String text = value instanceof Password p ? p.value() : Objects.toString(value, "");
                if (!text.isBlank() && !text.trim().equalsIgnoreCase(Objects.toString(key.confluentDefault(), ""))) {
                    throw new ConfigException("Confluent's converter key " + name + " is not supported by Sluice's "
                            + "Avro converter (" + key.why() + ")"
                            + (key.confluentDefault() == null ? "; remove it" : "; remove it or set " + key.confluentDefault()));
                }
            }, Importance.LOW, "Confluent's key, not supported: " + key.why() + ". Only "
                    + (key.confluentDefault() == null ? "unset" : key.confluentDefault()) + " is accepted.");
        }
        return def;
    }

    /** Warns once per configure about keys that are accepted but have no effect. */
    static void warnIgnored(Map<String, ?> configs, Logger log, boolean isKey) {
        for (String key : configs.keySet()) {
            if (IGNORED.contains(key) || key.startsWith(REQUEST_HEADERS)) {
                log.warn("{}.converter.{} has no effect on Sluice's Avro converter and is ignored (see "
                        + "docs/schema-registry.md)", isKey ? "key" : "value", key);
            }
        }
    }
}
