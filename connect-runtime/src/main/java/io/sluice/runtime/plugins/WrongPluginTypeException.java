package io.sluice.runtime.plugins;

import java.util.Locale;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * A class name that names a class, just not a plugin of the kind asked for (a transformation that is a String, a
 * connector that is a converter), told apart from a name that names nothing so the answer says which it is.
 */
public final class WrongPluginTypeException extends ConnectException {

    WrongPluginTypeException(Class<?> found, Class<?> base) {
        super(message(found, base));
    }

    /** Apache's wording for interfaces ("does not implement the Transformation interface"). */
    private static String message(Class<?> found, Class<?> base) {
        if (Connector.class.equals(base)) {
            return "Class " + found.getName() + " is not a connector: a connector class extends SourceConnector or "
                    + "SinkConnector";
        }
        if (base.isInterface()) {
            return "Class " + found.getName() + " does not implement the " + base.getSimpleName() + " interface";
        }
        return "Class " + found.getName() + " is not a " + base.getSimpleName().toLowerCase(Locale.ROOT)
                + " (it does not extend " + base.getName() + ")";
    }
}
