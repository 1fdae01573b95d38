package io.sluice.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.config.SourceConnectorConfig;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.worker.errors.ErrorHandler;
import io.sluice.runtime.worker.errors.RecordContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TransformationChainTest {

    private static final ConnectorTaskId TASK = new ConnectorTaskId("orders-source", 0);
    private final Plugins plugins = new Plugins(List.of(), "only_scan");
    private final ErrorHandler failFast = errors("none");
    private final ErrorHandler tolerant = errors("all");
    private TransformationChain<SourceRecord> chain;

    @AfterEach
    void closeChain() {
        if (chain != null) {
            chain.close();
        }
        failFast.close();
        tolerant.close();
    }

    private static ErrorHandler errors(String tolerance) {
        return new ErrorHandler(TASK, new SourceConnectorConfig(null, Map.of("name", TASK.connector(),
                "connector.class", "OrdersSource", "errors.tolerance", tolerance)), Map.of(), Map.of());
    }

    private TransformationChain<SourceRecord> chain(String... keyValues) {
        Map<String, String> config = new HashMap<>();
        config.put("name", "orders-source");
        config.put("connector.class", "OrdersSource");
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        chain = TransformationChain.create(new SourceConnectorConfig(plugins, config), plugins);
        return chain;
    }

    private static SourceRecord record(String topic, String headerKey) {
        Map<String, Object> value = new HashMap<>();
        value.put("id", 7);
        value.put("secret", "s3cr3t");
        SourceRecord record = new SourceRecord(Map.of(), Map.of(), topic, null, "k", null, value);
        if (headerKey != null) {
            record.headers().addString(headerKey, "yes");
        }
        return record;
    }

    private SourceRecord apply(TransformationChain<SourceRecord> c, SourceRecord r, ErrorHandler errors) {
        return c.apply(r, errors, RecordContext.of(r));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> value(SourceRecord record) {
        return (Map<String, Object>) record.value();
    }

    @Test
    void noTransformsLeavesRecordsUntouched() {
        TransformationChain<SourceRecord> c = chain();
        SourceRecord r = record("orders", null);
        assertTrue(c.isEmpty());
        assertSame(r, apply(c, r, failFast));
    }

    @Test
    void transformsApplyInTheOrderOfTheirAliases() {
        TransformationChain<SourceRecord> c = chain(
                "transforms", "rename, insert",
                "transforms.rename.type", "org.apache.kafka.connect.transforms.ReplaceField$Value",
                "transforms.rename.renames", "id:order_id",
                "transforms.rename.exclude", "secret",
                "transforms.insert.type", "org.apache.kafka.connect.transforms.InsertField$Value",
                "transforms.insert.topic.field", "from_topic");
        Map<String, Object> out = value(apply(c, record("orders", null), failFast));
        assertEquals(Map.of("order_id", 7, "from_topic", "orders"), out);
    }

    @Test
    void filterWithTopicNameMatchesDropsOnlyMatchingRecords() {
        TransformationChain<SourceRecord> c = chain(
                "transforms", "dropAudit",
                "transforms.dropAudit.type", "org.apache.kafka.connect.transforms.Filter",
                "transforms.dropAudit.predicate", "isAudit",
                "predicates", "isAudit",
                "predicates.isAudit.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
                "predicates.isAudit.pattern", "audit-.*");
        assertNull(apply(c, record("audit-2024", null), failFast));
        SourceRecord kept = record("orders", null);
        assertSame(kept, apply(c, kept, failFast));
    }

    @Test
    void negateAppliesTheTransformOnlyWhereThePredicateDoesNotMatch() {
        TransformationChain<SourceRecord> c = chain(
                "transforms", "keepFlagged",
                "transforms.keepFlagged.type", "org.apache.kafka.connect.transforms.Filter",
                "transforms.keepFlagged.predicate", "flagged",
                "transforms.keepFlagged.negate", "true",
                "predicates", "flagged",
                "predicates.flagged.type", "org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
                "predicates.flagged.name", "keep");
        SourceRecord flagged = record("orders", "keep");
        assertSame(flagged, apply(c, flagged, failFast));
        assertNull(apply(c, record("orders", null), failFast));
        assertNull(apply(c, record("orders", "other"), failFast));
    }

    @Test
    void predicateSkipsTheTransformButLaterTransformsStillRun() {
        TransformationChain<SourceRecord> c = chain(
                "transforms", "rename,insert",
                "transforms.rename.type", "org.apache.kafka.connect.transforms.ReplaceField$Value",
                "transforms.rename.renames", "id:order_id",
                "transforms.rename.predicate", "isOrders",
                "transforms.insert.type", "org.apache.kafka.connect.transforms.InsertField$Value",
                "transforms.insert.static.field", "source",
                "transforms.insert.static.value", "shop",
                "predicates", "isOrders",
                "predicates.isOrders.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
                "predicates.isOrders.pattern", "orders");
        assertTrue(value(apply(c, record("orders", null), failFast)).containsKey("order_id"));
        Map<String, Object> other = value(apply(c, record("payments", null), failFast));
        assertTrue(other.containsKey("id"));
        assertEquals("shop", other.get("source"));
    }

    @Test
    void failingTransformIsSkippedWithToleranceAllAndFailsTheTaskWithToleranceNone() {
        Schema schema = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();
        TransformationChain<SourceRecord> c = chain(
                "transforms", "rename",
                "transforms.rename.type", "org.apache.kafka.connect.transforms.ReplaceField$Value",
                "transforms.rename.renames", "id:order_id");
        // a schemaless transform given a non-map, non-struct value fails
        SourceRecord bad = new SourceRecord(Map.of(), Map.of(), "orders", null, null, null, "not a map");
        assertNull(apply(c, bad, tolerant));
        assertThrows(ConnectException.class, () -> apply(c, bad, failFast));
        SourceRecord good = new SourceRecord(Map.of(), Map.of(), "orders", null, null, schema,
                new Struct(schema).put("id", 1));
        assertEquals(1, ((Struct) apply(c, good, tolerant).value()).get("order_id"));
    }

    @Test
    void transformationRunsWithItsOwnClassLoaderAsContextLoader() {
        ClassLoader outside = new ClassLoader(null) { };
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(outside);
        try {
            TransformationChain<SourceRecord> c = chain(
                    "transforms", "spy",
                    "transforms.spy.type", LoaderSpy.class.getName());
            apply(c, record("orders", null), failFast);
            assertSame(LoaderSpy.class.getClassLoader(), LoaderSpy.SEEN.get());
            assertSame(outside, Thread.currentThread().getContextClassLoader(), "restored after");
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    @Test
    void transformSubConfigHasTheAliasPrefixStrippedWithoutPredicateOrNegate() {
        chain("transforms", "spy",
                "transforms.spy.type", LoaderSpy.class.getName(),
                "transforms.spy.predicate", "p",
                "transforms.spy.negate", "false",
                "transforms.spy.some.setting", "42",
                "predicates", "p",
                "predicates.p.type", "org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
                "predicates.p.name", "h");
        assertEquals(Map.of("type", LoaderSpy.class.getName(), "some.setting", "42"), LoaderSpy.CONFIG.get());
    }

    @Test
    void closeClosesEveryTransformationOnce() {
        SourceConnectorConfig config = new SourceConnectorConfig(plugins, Map.of("name", "orders-source",
                "connector.class", "OrdersSource", "transforms", "a,b",
                "transforms.a.type", LoaderSpy.class.getName(),
                "transforms.b.type", LoaderSpy.class.getName()));
        LoaderSpy.CLOSED.set(0); // the config's type check made and closed an instance of each to read its config()
        TransformationChain<SourceRecord> c = TransformationChain.create(config, plugins);
        chain = c;
        c.close();
        c.close();
        assertEquals(2, LoaderSpy.CLOSED.get());
    }

    @Test
    void configErrorsNameTheKey() {
        assertConfigError("transforms.a.type", "transforms", "a");
        assertConfigError("transforms.a.type", "transforms", "a", "transforms.a.type", "com.example.NoSuchSmt");
        assertConfigError("transforms.a.type", "transforms", "a",
                "transforms.a.type", "org.apache.kafka.connect.transforms.predicates.HasHeaderKey");
        assertConfigError("transforms.a.predicate", "transforms", "a",
                "transforms.a.type", "org.apache.kafka.connect.transforms.Filter",
                "transforms.a.predicate", "undeclared");
        assertConfigError("transforms.a.negate", "transforms", "a",
                "transforms.a.type", "org.apache.kafka.connect.transforms.Filter",
                "transforms.a.negate", "perhaps");
        assertConfigError("predicates.p.type", "predicates", "p");
        assertConfigError("predicates.p.type", "predicates", "p", "predicates.p.type", "com.example.Nope");
        assertConfigError("transforms", "transforms", "a, a",
                "transforms.a.type", "org.apache.kafka.connect.transforms.Filter");
        assertConfigError("transforms.a.", "transforms", "a",
                "transforms.a.type", "org.apache.kafka.connect.transforms.Cast$Value",
                "transforms.a.spec", "id:no-such-type");
    }

    private void assertConfigError(String key, String... keyValues) {
        ConfigException e = assertThrows(ConfigException.class, () -> chain(keyValues));
        assertTrue(e.getMessage().contains(key), () -> "expected '" + key + "' in: " + e.getMessage());
    }

    /** Records the context loader, its config and closes, to check how the chain calls an SMT. */
    public static final class LoaderSpy implements Transformation<SourceRecord> {
        static final AtomicReference<ClassLoader> SEEN = new AtomicReference<>();
        static final AtomicReference<Map<String, ?>> CONFIG = new AtomicReference<>();
        static final AtomicInteger CLOSED = new AtomicInteger();

        @Override
        public SourceRecord apply(SourceRecord record) {
            SEEN.set(Thread.currentThread().getContextClassLoader());
            return record;
        }

        @Override
        public ConfigDef config() {
            return new ConfigDef();
        }

        @Override
        public void close() {
            CLOSED.incrementAndGet();
        }

        @Override
        public void configure(Map<String, ?> configs) {
            CONFIG.set(Map.copyOf(configs));
        }
    }
}
