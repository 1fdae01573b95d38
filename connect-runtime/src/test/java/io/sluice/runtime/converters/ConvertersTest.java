package io.sluice.runtime.converters;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.storage.Converter;
import org.junit.jupiter.api.Test;

class ConvertersTest {

    private static <C extends Converter> C configured(C converter) {
        converter.configure(Map.of(), false);
        return converter;
    }

    @Test
    void byteArrayConverterPassesBytesThroughWithAnOptionalBytesSchema() {
        ByteArrayConverter converter = configured(new ByteArrayConverter());
        byte[] bytes = {1, 2, 3};
        assertArrayEquals(bytes, converter.fromConnectData("t", Schema.BYTES_SCHEMA, bytes));
        assertArrayEquals(bytes, converter.fromConnectData("t", null, ByteBuffer.wrap(bytes)));
        assertNull(converter.fromConnectData("t", Schema.OPTIONAL_BYTES_SCHEMA, null));
        SchemaAndValue read = converter.toConnectData("t", bytes);
        assertEquals(Schema.OPTIONAL_BYTES_SCHEMA, read.schema());
        assertArrayEquals(bytes, (byte[]) read.value());
        assertArrayEquals(bytes, converter.fromConnectHeader("t", "h", null, bytes));
    }

    @Test
    void byteArrayConverterRejectsOtherSchemasAndValues() {
        ByteArrayConverter converter = configured(new ByteArrayConverter());
        assertThrows(DataException.class, () -> converter.fromConnectData("t", Schema.STRING_SCHEMA, new byte[0]));
        assertThrows(DataException.class, () -> converter.fromConnectData("t", null, "text"));
    }

    @Test
    void numberConvertersRoundTripTheirTypeWithItsOptionalSchema() {
        roundTrip(new IntegerConverter(), 42, Schema.OPTIONAL_INT32_SCHEMA, 4);
        roundTrip(new LongConverter(), 42L, Schema.OPTIONAL_INT64_SCHEMA, 8);
        roundTrip(new ShortConverter(), (short) 42, Schema.OPTIONAL_INT16_SCHEMA, 2);
        roundTrip(new FloatConverter(), 4.2f, Schema.OPTIONAL_FLOAT32_SCHEMA, 4);
        roundTrip(new DoubleConverter(), 4.2d, Schema.OPTIONAL_FLOAT64_SCHEMA, 8);
        roundTrip(new BooleanConverter(), true, Schema.OPTIONAL_BOOLEAN_SCHEMA, 1);
    }

    private static void roundTrip(Converter converter, Object value, Schema schema, int size) {
        configured(converter);
        byte[] bytes = converter.fromConnectData("t", schema, value);
        assertEquals(size, bytes.length);
        assertEquals(new SchemaAndValue(schema, value), converter.toConnectData("t", bytes));
        assertNull(converter.fromConnectData("t", schema, null));
        assertEquals(new SchemaAndValue(schema, null), converter.toConnectData("t", null));
    }

    @Test
    void numberConvertersRejectValuesOfAnotherTypeAndBadBytes() {
        IntegerConverter integers = configured(new IntegerConverter());
        DataException wrongType = assertThrows(DataException.class, () -> integers.fromConnectData("t", null, "42"));
        assertTrue(wrongType.getMessage().contains("integer"), wrongType.getMessage());
        assertThrows(DataException.class, () -> integers.toConnectData("t", new byte[3]));
        BooleanConverter booleans = configured(new BooleanConverter());
        assertThrows(DataException.class, () -> booleans.fromConnectData("t", Schema.INT32_SCHEMA, true));
    }

    @Test
    void converterTypeIsTheOnlyConfigAndIsValidated() {
        assertEquals(java.util.Set.of("converter.type"), new LongConverter().config().names());
        assertThrows(ConfigException.class, () -> new LongConverter().configure(Map.of("converter.type", "nonsense")));
        new LongConverter().configure(Map.of("converter.type", "header"));
    }
}
