package io.sluice.jdbc.dialect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

/** The COPY text format the sink streams: escapes, NULLs, UTF-8 and numbers written without intermediate Strings. */
class CopyTextEncoderTest {
    private static final List<SinkColumn> COLUMNS = List.of(
            new SinkColumn("i8", Schema.INT8_SCHEMA, false),
            new SinkColumn("i64", Schema.INT64_SCHEMA, false),
            new SinkColumn("s", Schema.OPTIONAL_STRING_SCHEMA, false),
            new SinkColumn("b", Schema.BOOLEAN_SCHEMA, false),
            new SinkColumn("f", Schema.FLOAT64_SCHEMA, false),
            new SinkColumn("d", Decimal.schema(2), false),
            new SinkColumn("a", SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).build(), false));

    private static String encode(Object[]... rows) {
        return new String(new CopyTextEncoder(ZoneOffset.UTC).encode(COLUMNS, Arrays.asList(rows)),
                StandardCharsets.UTF_8);
    }

    @Test
    void numbersBooleansAndNullsAreWrittenInPostgresInputSyntax() {
        assertEquals("-7\t-9223372036854775808\t\\N\tt\t1.5\t12.30\t\\N\n"
                        + "0\t9223372036854775807\t\tf\t-0.0\t-0.01\t{}\n",
                encode(new Object[] {(byte) -7, Long.MIN_VALUE, null, true, 1.5, new BigDecimal("12.30"), null},
                        new Object[] {(byte) 0, Long.MAX_VALUE, "", false, -0.0, new BigDecimal("-0.01"), List.of()}));
    }

    @Test
    void doublesAreWrittenAsJavaWritesThemAndReadBackAsTheSameDouble() {
        java.util.Random random = new java.util.Random(20);
        List<Double> values = new ArrayList<>(List.of(0.001, 0.0009999, 9_999_999.5, 1e7, 3.0, -3.0, 0.1 + 0.2,
                Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, Double.MIN_VALUE, 1e-300,
                123_456.789_012, 0.000_123, 4.35, 2.675, 1.005));
        for (int i = 0; i < 200_000; i++) {
            values.add((i % 100_000) / 100.0); // the benchmark's amounts
            values.add(Math.round(random.nextGaussian() * 1e9) / Math.pow(10, random.nextInt(8)));
            values.add(random.nextDouble() * Math.pow(10, random.nextInt(14) - 5));
        }
        for (double d : values) {
            String field = encode(new Object[] {(byte) 1, 2L, null, true, d, BigDecimal.ONE, null}).split("\t")[4];
            assertEquals(Double.toString(d), field, "as before, for " + d);
        }
    }

    @Test
    void jsonDigitsForADoubleColumnAreWrittenAsTheyAreOnlyWhereTheyReadBackAsJavaReadsThem() {
        for (String digits : List.of("1e300", "-0.0", "1E-300", "4.9e-310", "0.1000000000000000055511151231257827",
                "12.50", "-2.5e+3")) {
            byte[] record = ("{\"f\":" + digits + "}").getBytes(StandardCharsets.US_ASCII);
            JsonDecimal number = new JsonDecimal(record, 5, digits.length());
            assertEquals(true, number.isDoubleText(), digits);
            String field = encode(new Object[] {(byte) 1, 2L, null, true, number, BigDecimal.ONE, null}).split("\t")[4];
            assertEquals(digits, field);
        }
        // past the double's range Java reads an infinity or a zero where PostgreSQL refuses the text: not as they are
        for (String digits : List.of("1e400", "-1e309", "1e-400", "0e500", "5e-324", "1.7976931348623157e308",
                "1" + "0".repeat(310) + ".5", "0." + "0".repeat(330) + "1")) {
            assertEquals(false, new JsonDecimal(digits.getBytes(StandardCharsets.US_ASCII), 0, digits.length())
                    .isDoubleText(), digits);
        }
    }

    @Test
    void controlCharactersAndBackslashesAreEscapedAndTextIsUtf8() {
        String hostile = "a\tb\nc\rd\\e é € 😀 \"q\"";
        String encoded = encode(new Object[] {(byte) 1, 2L, hostile, true, 0.0, BigDecimal.ONE,
                Arrays.asList("x\"y", null, "z\\w\t")});
        assertEquals("1\t2\ta\\tb\\nc\\rd\\\\e é € 😀 \"q\"\tt\t0.0\t1\t{\"x\\\\\"y\",NULL,\"z\\\\\\\\w\\t\"}\n", encoded);
    }

    @Test
    void jsonTextStillInItsBytesIsWrittenAsTheSameStringWouldBe() {
        byte[] record = "{\"s\":\"a b\\u0009~ c\"}".getBytes(StandardCharsets.US_ASCII);
        Utf8Text text = new Utf8Text(record, 6, 3);
        assertEquals(encode(new Object[] {(byte) 1, 2L, "a b", true, 0.0, BigDecimal.ONE, null}),
                encode(new Object[] {(byte) 1, 2L, text, true, 0.0, BigDecimal.ONE, null}));
        assertEquals("1\t2\t\tt\t0.0\t1\t\\N\n",
                encode(new Object[] {(byte) 1, 2L, new Utf8Text(record, 6, 0), true, 0.0, BigDecimal.ONE, null}));
    }

    @Test
    void aLoneSurrogateBecomesAQuestionMarkAsStringEncodingDoes() {
        String broken = "x\uD800y";
        assertEquals("1\t2\t" + new String(broken.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)
                + "\tf\t0.0\t1\t\\N\n", encode(new Object[] {(byte) 1, 2L, broken, false, 0.0, BigDecimal.ONE, null}));
    }

    @Test
    void rowsLargerThanTheBufferAreEncodedWhole() {
        String big = "€".repeat(100_000);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            rows.add(new Object[] {(byte) i, (long) i, big, true, 1.0, BigDecimal.TEN, null});
        }
        String encoded = new String(new CopyTextEncoder(ZoneOffset.UTC).encode(COLUMNS, rows), StandardCharsets.UTF_8);
        assertEquals(3 * (big.length() + "0\t0\t\tt\t1.0\t10\t\\N\n".length()), encoded.length());
    }
}
