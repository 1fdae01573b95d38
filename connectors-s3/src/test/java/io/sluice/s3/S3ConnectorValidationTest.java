package io.sluice.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.s3.sink.S3SinkConnector;
import io.sluice.s3.source.S3SourceConnector;
import io.sluice.s3.testing.S3TestServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

/** validate() of both connectors reports a store that cannot be used, quickly, and every rule across keys, each on the key at fault. */
class S3ConnectorValidationTest {

    private static Map<String, String> config(String bucket) {
        Map<String, String> config = new HashMap<>(S3TestServer.connectorSettings(bucket));
        config.put("connector.class", S3SinkConnector.class.getName());
        config.put("topics", "t");
        return config;
    }

    private static List<String> errors(Map<String, String> config, String key) {
        return new S3SinkConnector().validate(config).configValues().stream()
                .filter(v -> v.name().equals(key)).findFirst().map(ConfigValue::errorMessages).orElseThrow();
    }

    @Test
    void aReachableBucketWithGoodCredentialsValidatesClean() {
        new S3SinkConnector().validate(config(S3TestServer.newBucket())).configValues()
                .forEach(v -> assertEquals(List.of(), v.errorMessages(), v.name()));
    }

    @Test
    void aMissingBucketIsAnErrorOnTheBucketName() {
        List<String> errors = errors(config("no-such-bucket-here"), "s3.bucket.name");
        assertTrue(errors.get(0).contains("does not exist"), errors.toString());
    }

    @Test
    void badCredentialsAreAnErrorOnTheAccessKey() {
        Map<String, String> config = config(S3TestServer.newBucket());
        config.put("aws.secret.access.key", "wrong");
        List<String> errors = errors(config, "aws.access.key.id");
        assertTrue(errors.get(0).contains("denied"), errors.toString());
    }

    @Test
    void anUnreachableEndpointIsAnErrorOnTheStoreUrlWithinSeconds() {
        Map<String, String> config = config("bucket");
        config.put("store.url", "http://127.0.0.1:" + closedPort());
        config.put("s3.connect.timeout.ms", "1000");
        long start = System.nanoTime();
        List<String> errors = errors(config, "store.url");
        assertEquals(1, errors.size(), new S3SinkConnector().validate(config).configValues().stream()
                .filter(v -> !v.errorMessages().isEmpty()).map(v -> v.name() + v.errorMessages()).toList().toString());
        assertTrue(errors.get(0).contains("Cannot reach"), errors.toString());
        // a refusal is immediate: said as such, not as a wait of 10 s (tryout19)
        assertTrue(errors.get(0).contains("the connection was refused"), errors.toString());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 15, "bounded wait");
    }

    private static int closedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aTimePartitionerWithoutPathFormatIsAnErrorOnThePartitioner() {
        Map<String, String> config = config(S3TestServer.newBucket());
        config.put("partitioner.class", "io.confluent.connect.storage.partitioner.TimeBasedPartitioner");
        List<String> errors = errors(config, "partitioner.class");
        assertTrue(errors.get(0).contains("path.format"), errors.toString());
    }

    @Test
    void aTimeZoneJavaDoesNotKnowIsAnErrorOnTheTimezoneInsteadOfAFailureAtStart() {
        Map<String, String> hourly = config("bucket");
        hourly.put("partitioner.class", "hourly");
        hourly.put("timezone", "Europe/Berln");
        assertEquals(List.of("Invalid value Europe/Berln for configuration timezone: not a time zone: use an id such as "
                + "UTC or Europe/Berlin"), errors(hourly, "timezone"), "validate threw a ZoneRulesException");
        Map<String, String> scheduled = config("bucket");
        scheduled.put("rotate.schedule.interval.ms", "3600000");
        scheduled.put("timezone", "CEST");
        assertEquals(1, errors(scheduled, "timezone").size(), "the task failed at start");
    }

    @Test
    void avroAndParquetWithAValueConverterGivingNoSchemasAreAnErrorOnTheFormat() {
        Map<String, String> avro = config("bucket");
        avro.put("format.class", "avro");
        avro.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        avro.put("value.converter.schemas.enable", "false");
        assertTrue(errors(avro, "format.class").get(0).startsWith("avro needs value schemas"), errors(avro, "format.class")
                .toString());
        Map<String, String> parquet = config("bucket");
        parquet.put("format.class", "io.confluent.connect.s3.format.parquet.ParquetFormat");
        parquet.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        assertEquals(1, errors(parquet, "format.class").size());
        avro.put("value.converter.schemas.enable", "true");
        assertEquals(List.of(), errors(avro, "format.class"));
        avro.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        avro.put("avro.envelope", "true");
        assertEquals(List.of(), errors(avro, "format.class"), "whole records of bytes are fine in the Avro envelope");
    }

    @Test
    void sourceRulesAcrossKeysAreErrorsOnTheKeyToChange() {
        Map<String, String> restore = new HashMap<>(S3TestServer.connectorSettings("bucket"));
        restore.put("topics", "orders");
        restore.put("topic.mapping", "order:orders-restored");
        assertEquals(List.of("'order' is not one of topics [orders]"), sourceErrors(restore, "topic.mapping"),
                "a typo would restore the records into their own topic");
        restore.put("topic.mapping", "orders");
        assertEquals(List.of("Expected source:target, got 'orders'"), sourceErrors(restore, "topic.mapping"));
        Map<String, String> prefixes = new HashMap<>(S3TestServer.connectorSettings("bucket"));
        prefixes.put("s3.prefixes", "in/");
        prefixes.put("csv.separator", ";;");
        assertEquals(List.of("topic is required with s3.prefixes"), sourceErrors(prefixes, "topic"));
        assertEquals(1, sourceErrors(prefixes, "csv.separator").size());
        assertEquals(List.of(), sourceErrors(prefixes, "topics"));
    }

    private static List<String> sourceErrors(Map<String, String> config, String key) {
        return new S3SourceConnector().validate(config).configValues().stream()
                .filter(v -> v.name().equals(key)).findFirst().map(ConfigValue::errorMessages).orElseThrow();
    }
}
