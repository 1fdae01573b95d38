package io.sluice.runtime.plugins;

import java.util.List;
import java.util.Set;

/**
 * Decides which classes a plugin loads itself (child-first) and which always come from the runtime.
 *
 * <p>Same rule as Apache Kafka Connect: the JDK, the Java EE API packages, SLF4J and everything
 * under {@code org.apache.kafka} come from the runtime, so a plugin that bundles its own
 * connect-api, kafka-clients or slf4j-api still talks to the runtime's types. The exceptions are
 * Kafka's own plugin implementations (connect-transforms, connect-json, connect-file, converters,
 * config providers, ...), which a plugin may legitimately bundle in another version.
 */
public final class IsolationRule {

    /** Package prefixes (with trailing dot) always delegated to the runtime. */
    private static final List<String> RUNTIME_PACKAGES = List.of(
            "java.", "jdk.", "sun.",
            "javax.accessibility.", "javax.activation.", "javax.activity.", "javax.annotation.",
            "javax.batch.api.", "javax.batch.operations.", "javax.batch.runtime.", "javax.crypto.",
            "javax.decorator.", "javax.ejb.", "javax.el.", "javax.enterprise.concurrent.",
            "javax.enterprise.context.", "javax.enterprise.deploy.model.", "javax.enterprise.deploy.shared.",
            "javax.enterprise.deploy.spi.", "javax.enterprise.event.", "javax.enterprise.inject.",
            "javax.enterprise.util.", "javax.faces.", "javax.imageio.", "javax.inject.", "javax.interceptor.",
            "javax.jms.", "javax.json.", "javax.jws.", "javax.lang.model.", "javax.mail.", "javax.management.",
            "javax.naming.", "javax.net.", "javax.persistence.", "javax.print.", "javax.resource.", "javax.rmi.",
            "javax.script.", "javax.security.auth.", "javax.security.cert.", "javax.security.jacc.",
            "javax.security.sasl.", "javax.servlet.", "javax.sound.midi.", "javax.sound.sampled.", "javax.sql.",
            "javax.swing.", "javax.tools.", "javax.transaction.", "javax.validation.", "javax.websocket.",
            "javax.ws.rs.", "javax.xml.",
            "org.ietf.jgss.", "org.omg.CORBA.", "org.omg.CosNaming.", "org.omg.Dynamic.", "org.omg.DynamicAny.",
            "org.omg.IOP.", "org.omg.Messaging.", "org.omg.PortableInterceptor.", "org.omg.PortableServer.",
            "org.omg.SendingContext.", "org.omg.stub.java.rmi.", "org.w3c.dom.", "org.xml.sax.",
            "org.apache.kafka.", "org.slf4j.");

    /** Kafka packages whose classes are plugin implementations, loaded in isolation (all sub-packages too). */
    private static final List<String> KAFKA_PLUGIN_PACKAGES = List.of(
            "org.apache.kafka.connect.json.", "org.apache.kafka.connect.file.", "org.apache.kafka.connect.mirror.",
            "org.apache.kafka.connect.mirror-client.", "org.apache.kafka.connect.converters.");

    /** Single Kafka classes that are plugin implementations living beside API types. */
    private static final Set<String> KAFKA_PLUGIN_CLASSES = Set.of(
            "org.apache.kafka.connect.storage.StringConverter",
            "org.apache.kafka.connect.storage.SimpleHeaderConverter",
            "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension");

    private static final String TRANSFORMS = "org.apache.kafka.connect.transforms.";
    private static final String POLICIES = "org.apache.kafka.connect.connector.policy.";
    private static final String PROVIDERS = "org.apache.kafka.common.config.provider.";

    /** API types that share a package with plugin implementations: these stay with the runtime. */
    private static final Set<String> API_TYPES_AMONG_PLUGINS = Set.of(
            TRANSFORMS + "predicates.Predicate",
            POLICIES + "ConnectorClientConfigOverridePolicy",
            POLICIES + "ConnectorClientConfigRequest",
            POLICIES + "ConnectorClientConfigRequest$ClientType",
            PROVIDERS + "ConfigProvider");

    private IsolationRule() {
    }

    /** True when a plugin's own copy of the class (if it has one) is used; false when the runtime's always is. */
    public static boolean loadsInIsolation(String className) {
        return !fromRuntime(className) || isKafkaPluginImplementation(className);
    }

    private static boolean fromRuntime(String className) {
        for (String prefix : RUNTIME_PACKAGES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isKafkaPluginImplementation(String className) {
        if (KAFKA_PLUGIN_CLASSES.contains(className)) {
            return true;
        }
        for (String prefix : KAFKA_PLUGIN_PACKAGES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        if (className.startsWith(TRANSFORMS)) {
            // Apache keeps every name starting with "Transformation" (the interface and its nested types) shared.
            return !className.startsWith(TRANSFORMS + "Transformation") && !API_TYPES_AMONG_PLUGINS.contains(className);
        }
        if (className.startsWith(POLICIES) || className.startsWith(PROVIDERS)) {
            return !API_TYPES_AMONG_PLUGINS.contains(className);
        }
        return false;
    }
}
