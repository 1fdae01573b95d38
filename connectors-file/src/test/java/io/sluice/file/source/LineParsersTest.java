package io.sluice.file.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class LineParsersTest {

    private final LineParser.ParsedLine out = new LineParser.ParsedLine();

    private boolean parse(LineParser parser, String line) {
        byte[] bytes = ("xx" + line).getBytes(StandardCharsets.UTF_8);
        return parser.parse(bytes, 2, bytes.length - 2, out);
    }

    @Test
    void jsonWithoutSchemaIsASchemalessMapAndTheKeyFieldBecomesTheKey() {
        assertTrue(parse(new JsonLineParser(null, false, "id", false), "{\"id\":7,\"tags\":[\"a\"],\"p\":1.5,\"ok\":true}"));
        assertNull(out.valueSchema);
        assertEquals(Map.of("id", 7L, "tags", List.of("a"), "p", 1.5, "ok", true), out.value);
        assertEquals(7L, out.key);
    }

    @Test
    void jsonWithDeclaredSchemaIsATypedStruct() {
        Schema schema = SchemaSpec.parse("id:int32,name:string,price:float64?");
        parse(new JsonLineParser(schema, false, "name", false), "{\"id\":\"12\",\"name\":\"pen\"}");
        Struct value = (Struct) out.value;
        assertEquals(12, value.getInt32("id"));
        assertNull(value.get("price"));
        assertEquals("pen", out.key);
        assertEquals(Schema.STRING_SCHEMA, out.keySchema);
    }

    @Test
    void jsonSchemaIsInferredFromValueTypes() {
        parse(new JsonLineParser(null, true, "", false), "{\"n\":1,\"x\":2.5,\"s\":\"t\",\"o\":{\"b\":false}}");
        Struct value = (Struct) out.value;
        assertEquals(Schema.Type.INT64, value.schema().field("n").schema().type());
        assertEquals(Schema.Type.FLOAT64, value.schema().field("x").schema().type());
        assertEquals(false, value.getStruct("o").getBoolean("b"));
    }

    @Test
    void malformedJsonAndMissingRequiredFieldsAreErrors() {
        assertThrows(IllegalArgumentException.class, () -> parse(new JsonLineParser(null, false, "", false), "{\"a\":"));
        assertThrows(IllegalArgumentException.class, () -> parse(new JsonLineParser(null, false, "", false), "[1,2]"));
        assertThrows(IllegalArgumentException.class,
                () -> parse(new JsonLineParser(SchemaSpec.parse("id:int64"), false, "", false), "{\"x\":1}"));
    }

    @Test
    void csvHeaderNamesColumnsAndDeclaredSchemaTypesThem() {
        CsvLineParser parser = new CsvLineParser(';', '"', true, SchemaSpec.parse("id:int64,name:string,ok:boolean?"), "id", false);
        assertFalse(parse(parser, "name;id;ok"), "the header row yields no record");
        assertTrue(parse(parser, "\"Smith; \"\"J\"\"\";42;true"));
        Struct value = (Struct) out.value;
        assertEquals("Smith; \"J\"", value.getString("name"));
        assertEquals(42L, value.getInt64("id"));
        assertEquals(true, value.getBoolean("ok"));
        assertEquals(42L, out.key);
        parse(parser, "Doe;43;");
        assertNull(((Struct) out.value).get("ok"), "an empty optional column is null");
    }

    @Test
    void csvWithoutSchemaIsOptionalStringsNamedByTheHeader() {
        CsvLineParser parser = new CsvLineParser(',', '"', true, null, "", false);
        parse(parser, "a,b");
        parse(parser, "1,");
        Struct value = (Struct) out.value;
        assertEquals("1", value.getString("a"));
        assertEquals("", value.getString("b"));
    }

    @Test
    void csvBadNumberAndUnterminatedQuoteAreErrors() {
        CsvLineParser parser = new CsvLineParser(',', '"', false, SchemaSpec.parse("id:int64,name:string"), "", false);
        assertThrows(IllegalArgumentException.class, () -> parse(parser, "x,y"));
        assertThrows(IllegalArgumentException.class, () -> parse(parser, "1,\"open"));
    }
}
