package io.sluice.runtime.converters;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sluice's converters that stand in for Apache's, by Apache's class names: configs that name Apache's classes get
 * ours (errors name the class as configured: see the worker's ConverterSet).
 */
public final class ApacheConverterNames {

    /** Apache ships these in connect-runtime; Sluice has its own, under the same simple names. */
    private static final List<String> REPLACED = List.of("ByteArrayConverter", "IntegerConverter",
            "LongConverter", "FloatConverter", "DoubleConverter", "ShortConverter", "BooleanConverter");
    private static final String APACHE_PACKAGE = "org.apache.kafka.connect.converters.";
    private static final String OURS = ByteArrayConverter.class.getPackageName() + ".";

    private ApacheConverterNames() {
    }

    /** Apache's class names mapped to Sluice's. */
    public static Map<String, String> aliases() {
        Map<String, String> aliases = new HashMap<>();
        for (String simpleName : REPLACED) {
            aliases.put(APACHE_PACKAGE + simpleName, OURS + simpleName);
        }
        return aliases;
    }
}
