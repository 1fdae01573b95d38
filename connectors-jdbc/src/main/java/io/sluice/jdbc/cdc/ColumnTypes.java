package io.sluice.jdbc.cdc;

import io.sluice.jdbc.cdc.CdcConfig.BinaryMode;
import io.sluice.jdbc.cdc.CdcConfig.DecimalMode;
import io.sluice.jdbc.cdc.CdcConfig.IntervalMode;
import io.sluice.jdbc.cdc.CdcConfig.TimePrecision;
import io.sluice.jdbc.cdc.PgTypes.PgType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * Maps PostgreSQL column types to Connect schemas and values as Debezium's PostgreSQL connector does (its logical
 * type names, parameters and value units), reading each value from its text form. The README's type table is the
 * reference for users; a type not listed there is captured as its text.
 */
final class ColumnTypes {
    /** Reads one value from the bytes of its text form. */
    @FunctionalInterface
    interface Reader {
        Object read(byte[] b, int off, int len);
    }

    /**
     * A column's Connect schema (built fresh, required or optional) and how its values are read into the schema it
     * ends up with (a struct value must carry exactly its field's schema, optional or not).
     */
    record ColumnType(Supplier<SchemaBuilder> schema, java.util.function.Function<Schema, Reader> readerFor) {
        ColumnType(Supplier<SchemaBuilder> schema, Reader reader) {
            this(schema, s -> reader);
        }
    }

    private final DecimalMode decimalMode;
    private final TimePrecision timePrecision;
    private final IntervalMode intervalMode;
    private final BinaryMode binaryMode;
    private final int moneyDigits;

    ColumnTypes(CdcConfig config) {
        this(config.decimalMode(), config.timePrecision(), config.intervalMode(), config.binaryMode(),
                config.getInt(CdcConfig.MONEY_DIGITS));
    }

    ColumnTypes(DecimalMode decimalMode, TimePrecision timePrecision, IntervalMode intervalMode,
                BinaryMode binaryMode, int moneyDigits) {
        this.decimalMode = decimalMode;
        this.timePrecision = timePrecision;
        this.intervalMode = intervalMode;
        this.binaryMode = binaryMode;
        this.moneyDigits = moneyDigits;
    }

    /**
     * The mapping of a type (domains already resolved to their base) with its modifier; element is the resolved
     * element type of an array, null otherwise.
     */
    ColumnType of(PgType type, int typmod, PgType element) {
        if (element != null) {
            return array(of(element, typmod, null));
        }
        if (type.typtype() == 'e') {
            String allowed = String.join(",", type.enumLabels());
            return new ColumnType(() -> SchemaBuilder.string().name("io.debezium.data.Enum").version(1)
                    .parameter("allowed", allowed), TextValues::string);
        }
        return switch (type.name()) {
            case "bool" -> new ColumnType(SchemaBuilder::bool, (b, o, l) -> b[o] == 't');
            case "int2" -> new ColumnType(SchemaBuilder::int16, (b, o, l) -> (short) TextValues.parseLong(b, o, l));
            case "int4" -> new ColumnType(SchemaBuilder::int32, (b, o, l) -> (int) TextValues.parseLong(b, o, l));
            case "int8", "oid" -> new ColumnType(SchemaBuilder::int64, TextValues::parseLong);
            case "float4" -> new ColumnType(SchemaBuilder::float32,
                    (b, o, l) -> Float.parseFloat(TextValues.string(b, o, l)));
            case "float8" -> new ColumnType(SchemaBuilder::float64,
                    (b, o, l) -> Double.parseDouble(TextValues.string(b, o, l)));
            case "numeric" -> numeric(typmod);
            case "money" -> money();
            case "json", "jsonb" -> named("io.debezium.data.Json");
            case "xml" -> named("io.debezium.data.Xml");
            case "uuid" -> named("io.debezium.data.Uuid");
            case "ltree" -> named("io.debezium.data.Ltree");
            case "bytea" -> bytea();
            case "date" -> date();
            case "time" -> time(precision(typmod));
            case "timestamp" -> timestamp(precision(typmod));
            case "timestamptz" -> new ColumnType(() -> SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp")
                    .version(1), zonedTimestamp(precision(typmod)));
            case "timetz" -> new ColumnType(() -> SchemaBuilder.string().name("io.debezium.time.ZonedTime")
                    .version(1), ColumnTypes::zonedTime);
            case "interval" -> interval();
            case "bit", "varbit" -> bits(typmod);
            default -> new ColumnType(SchemaBuilder::string, TextValues::string);
        };
    }

    /**
     * Debezium's column.propagate.source.type parameters of a column: its type's name in upper case and, where the
     * type has them, its length (bit, varbit, char, varchar: unbounded is 2147483647) and precision and scale
     * (numeric), as Debezium's PostgreSQL connector reports them.
     */
    static Map<String, String> sourceTypeParameters(PgType type, int typmod) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("__debezium.source.column.type", type.name().toUpperCase(Locale.ROOT));
        switch (type.name()) {
            case "bit", "varbit" -> parameters.put("__debezium.source.column.length",
                    String.valueOf(typmod > 0 ? typmod : Integer.MAX_VALUE));
            case "bpchar", "varchar" -> parameters.put("__debezium.source.column.length",
                    String.valueOf(typmod > 4 ? typmod - 4 : Integer.MAX_VALUE));
            case "numeric" -> {
                if (typmod >= 4) {
                    parameters.put("__debezium.source.column.length", String.valueOf(((typmod - 4) >> 16) & 0xFFFF));
                    parameters.put("__debezium.source.column.scale",
                            String.valueOf((((typmod - 4) & 0x7FF) ^ 1024) - 1024));
                }
            }
            default -> {
            }
        }
        return parameters;
    }

    /** The mapping with {@code parameters} added to its schema (Debezium's propagated source type). */
    static ColumnType withParameters(ColumnType type, Map<String, String> parameters) {
        return new ColumnType(() -> type.schema().get().parameters(parameters), type.readerFor());
    }

    private static ColumnType named(String logicalName) {
        return new ColumnType(() -> SchemaBuilder.string().name(logicalName).version(1), TextValues::string);
    }

    /** time and timestamp precision: the modifier, or 6 when the column has none. */
    private static int precision(int typmod) {
        return typmod < 0 ? 6 : typmod;
    }

    private ColumnType numeric(int typmod) {
        boolean variable = typmod < 4;
        int precision = variable ? 0 : ((typmod - 4) >> 16) & 0xFFFF;
        // the scale is an 11-bit signed field since PostgreSQL 15 allows negative scales
        int scale = variable ? 0 : (((typmod - 4) & 0x7FF) ^ 1024) - 1024;
        switch (decimalMode) {
            case DOUBLE:
                return new ColumnType(SchemaBuilder::float64, (b, o, l) -> Double.parseDouble(TextValues.string(b, o, l)));
            case STRING:
                return new ColumnType(SchemaBuilder::string, TextValues::string);
            default:
                break;
        }
        if (variable) {
            return new ColumnType(ColumnTypes::variableScaleDecimal, schema -> (b, o, l) -> {
                if (TextValues.isSpecialNumber(b, o, l)) {
                    return null; // NaN and infinities have no decimal form (Debezium emits null too)
                }
                BigDecimal value = TextValues.parseDecimal(b, o, l);
                return new Struct(schema).put("scale", value.scale()).put("value", value.unscaledValue().toByteArray());
            });
        }
        return new ColumnType(() -> Decimal.builder(scale).parameter("connect.decimal.precision",
                String.valueOf(precision)), (b, o, l) -> TextValues.isSpecialNumber(b, o, l) ? null
                : TextValues.parseDecimal(b, o, l).setScale(scale, RoundingMode.UNNECESSARY));
    }

    static SchemaBuilder variableScaleDecimal() {
        return SchemaBuilder.struct().name("io.debezium.data.VariableScaleDecimal").version(1)
                .doc("Variable scaled decimal").field("scale", Schema.INT32_SCHEMA).field("value", Schema.BYTES_SCHEMA);
    }

    private ColumnType money() {
        Reader amount = (b, o, l) -> {
            // lc_monetary=C (CdcSessions): -$1,234.56 or $1,234.56
            StringBuilder digits = new StringBuilder(l);
            for (int i = o; i < o + l; i++) {
                char c = (char) b[i];
                if (c >= '0' && c <= '9' || c == '.' || c == '-') {
                    digits.append(c);
                }
            }
            return new BigDecimal(digits.toString());
        };
        return switch (decimalMode) {
            case DOUBLE -> new ColumnType(SchemaBuilder::float64,
                    (b, o, l) -> ((BigDecimal) amount.read(b, o, l)).doubleValue());
            case STRING -> new ColumnType(SchemaBuilder::string,
                    (b, o, l) -> ((BigDecimal) amount.read(b, o, l)).toPlainString());
            default -> new ColumnType(() -> Decimal.builder(moneyDigits),
                    (b, o, l) -> ((BigDecimal) amount.read(b, o, l)).setScale(moneyDigits, RoundingMode.HALF_UP));
        };
    }

    private ColumnType bytea() {
        return switch (binaryMode) {
            case BYTES -> new ColumnType(SchemaBuilder::bytes, TextValues::hexBytes);
            case BASE64 -> new ColumnType(SchemaBuilder::string,
                    (b, o, l) -> Base64.getEncoder().encodeToString(TextValues.hexBytes(b, o, l)));
            case BASE64_URL_SAFE -> new ColumnType(SchemaBuilder::string,
                    (b, o, l) -> Base64.getUrlEncoder().encodeToString(TextValues.hexBytes(b, o, l)));
            case HEX -> new ColumnType(SchemaBuilder::string,
                    (b, o, l) -> HexFormat.of().formatHex(TextValues.hexBytes(b, o, l)));
        };
    }

    private ColumnType date() {
        if (timePrecision == TimePrecision.CONNECT) {
            return new ColumnType(Date::builder, (b, o, l) -> new java.util.Date(
                    TextValues.epochDay(b, o, l) * 86_400_000L));
        }
        return new ColumnType(() -> SchemaBuilder.int32().name("io.debezium.time.Date").version(1),
                (b, o, l) -> TextValues.infinite(b, o, l) ? (b[o] == '-' ? Integer.MIN_VALUE : Integer.MAX_VALUE)
                        : (int) TextValues.epochDay(b, o, l));
    }

    private ColumnType time(int precision) {
        if (timePrecision == TimePrecision.CONNECT) {
            return new ColumnType(Time::builder,
                    (b, o, l) -> new java.util.Date(TextValues.microsOfDay(b, o, l) / 1000));
        }
        if (precision <= 3 && timePrecision == TimePrecision.ADAPTIVE) {
            return new ColumnType(() -> SchemaBuilder.int32().name("io.debezium.time.Time").version(1),
                    (b, o, l) -> (int) (TextValues.microsOfDay(b, o, l) / 1000));
        }
        return new ColumnType(() -> SchemaBuilder.int64().name("io.debezium.time.MicroTime").version(1),
                TextValues::microsOfDay);
    }

    private ColumnType timestamp(int precision) {
        if (timePrecision == TimePrecision.CONNECT) {
            return new ColumnType(Timestamp::builder, (b, o, l) -> new java.util.Date(epochMillisOrInfinity(b, o, l)));
        }
        if (precision <= 3) {
            return new ColumnType(() -> SchemaBuilder.int64().name("io.debezium.time.Timestamp").version(1),
                    ColumnTypes::epochMillisOrInfinity);
        }
        return new ColumnType(() -> SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").version(1),
                ColumnTypes::epochMicrosOrInfinity);
    }

    /**
     * Milliseconds since the epoch, or the extreme longs for the infinities as {@link #epochMicrosOrInfinity} (the
     * sink writes them back as infinity; a division would make them a real date in year 294247). Read from the
     * instant, so timestamps past year 294247, beyond 64-bit microseconds but well within 64-bit milliseconds, are
     * exact too.
     */
    private static long epochMillisOrInfinity(byte[] b, int o, int l) {
        if (TextValues.infinite(b, o, l)) {
            return b[o] == '-' ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return TextValues.instant(b, o, l).toEpochMilli();
    }

    private static long epochMicrosOrInfinity(byte[] b, int o, int l) {
        if (TextValues.infinite(b, o, l)) {
            return b[o] == '-' ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        long micros = TextValues.epochMicros(b, o, l);
        if (micros == Long.MAX_VALUE) {
            // Debezium's MicroTimestamp has no other encoding for infinity: sent as is, this real value would be
            // read back as infinity, another value, silently
            throw new IllegalArgumentException("the timestamp 294247-01-10 04:00:54.775807 is the largest 64-bit "
                    + "microseconds since 1970, which io.debezium.time.MicroTimestamp uses for infinity: "
                    + "time.precision.mode=connect reads it as milliseconds");
        }
        return micros;
    }

    /** ISO 8601 in UTC with the column's number of fraction digits, as Debezium's ZonedTimestamp. */
    private static Reader zonedTimestamp(int digits) {
        return (b, o, l) -> {
            if (TextValues.infinite(b, o, l)) {
                return TextValues.string(b, o, l);
            }
            // a string: exact beyond the range of epoch microseconds too (the year 294276 PostgreSQL allows)
            java.time.Instant instant = TextValues.instant(b, o, l);
            java.time.LocalDateTime t = java.time.LocalDateTime.ofInstant(instant, java.time.ZoneOffset.UTC);
            StringBuilder out = new StringBuilder(32);
            out.append(t.toLocalDate()).append('T');
            two(out, t.getHour()).append(':');
            two(out, t.getMinute()).append(':');
            two(out, t.getSecond());
            if (digits > 0) {
                String fraction = String.format("%06d", t.getNano() / 1000);
                out.append('.').append(fraction, 0, Math.min(digits, 6));
            }
            return out.append('Z').toString();
        };
    }

    private static StringBuilder two(StringBuilder out, int value) {
        if (value < 10) {
            out.append('0');
        }
        return out.append(value);
    }

    private static Object zonedTime(byte[] b, int o, int l) {
        long micros = Math.floorMod(TextValues.timeWithZoneUtcMicros(b, o, l), TextValues.MICROS_PER_DAY);
        return java.time.LocalTime.ofNanoOfDay(micros * 1000L).atOffset(java.time.ZoneOffset.UTC)
                .format(java.time.format.DateTimeFormatter.ISO_OFFSET_TIME);
    }

    private ColumnType interval() {
        if (intervalMode == IntervalMode.STRING) {
            return new ColumnType(() -> SchemaBuilder.string().name("io.debezium.time.Interval").version(1),
                    (b, o, l) -> {
                        TextValues.IntervalParts p = TextValues.interval(TextValues.string(b, o, l));
                        return "P" + p.years() + "Y" + p.months() + "M" + p.days() + "DT" + p.hours() + "H"
                                + p.minutes() + "M" + p.seconds().stripTrailingZeros().toPlainString() + "S";
                    });
        }
        return new ColumnType(() -> SchemaBuilder.int64().name("io.debezium.time.MicroDuration").version(1),
                (b, o, l) -> {
                    TextValues.IntervalParts p = TextValues.interval(TextValues.string(b, o, l));
                    // Debezium's MicroDuration: an average month of 365.25 / 12 days
                    double days = (p.years() * 12 + p.months()) * (365.25 / 12.0) + p.days();
                    double seconds = ((days * 24 + p.hours()) * 60 + p.minutes()) * 60 + p.seconds().doubleValue();
                    double micros = seconds * 1e6;
                    if (micros >= 0x1p63 || micros < -0x1p63) {
                        // a cast would clamp it to Long.MIN/MAX_VALUE: another value, silently
                        throw new IllegalArgumentException("the interval is beyond what io.debezium.time."
                                + "MicroDuration (64-bit microseconds) can hold: set interval.handling.mode=string");
                    }
                    return (long) micros;
                });
    }

    private static ColumnType bits(int typmod) {
        if (typmod == 1) {
            return new ColumnType(SchemaBuilder::bool, (b, o, l) -> b[o] == '1');
        }
        String length = String.valueOf(typmod > 0 ? typmod : Integer.MAX_VALUE);
        return new ColumnType(() -> SchemaBuilder.bytes().name("io.debezium.data.Bits").version(1)
                .parameter("length", length), (b, o, l) -> {
                    // little-endian bit order, the rightmost character being bit 0 (Debezium's Bits)
                    BitSet bits = new BitSet(l);
                    for (int i = 0; i < l; i++) {
                        if (b[o + l - 1 - i] == '1') {
                            bits.set(i);
                        }
                    }
                    return bits.toByteArray();
                });
    }

    private static ColumnType array(ColumnType element) {
        return new ColumnType(() -> SchemaBuilder.array(element.schema().get().optional().build()), schema -> {
            Reader elementReader = element.readerFor().apply(schema.valueSchema());
            return (b, o, l) -> {
                List<String> texts = TextValues.arrayElements(TextValues.string(b, o, l));
                List<Object> values = new ArrayList<>(texts.size());
                for (String text : texts) {
                    if (text == null) {
                        values.add(null);
                    } else {
                        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                        values.add(elementReader.read(bytes, 0, bytes.length));
                    }
                }
                return values;
            };
        });
    }
}
