package io.sluice.runtime.plugins;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.Connector;

/** Plugin versions: reading one from a plugin instance, and ordering them to pick the newest. */
final class PluginVersions {

    static final String UNDEFINED = "undefined";
    private static final Set<String> RELEASE_QUALIFIERS = Set.of("", "final", "ga", "release");

    private PluginVersions() {
    }

    /** The version a fresh instance reports (Connector or Versioned), or "undefined". */
    static String versionOf(Class<?> pluginClass) {
        try (LoaderSwap swap = LoaderSwap.to(pluginClass.getClassLoader())) {
            Object instance = pluginClass.getConstructor().newInstance();
            String version = null;
            if (instance instanceof Connector connector) {
                version = connector.version();
            } else if (instance instanceof Versioned versioned) {
                version = versioned.version();
            }
            return version == null || version.isBlank() ? UNDEFINED : version.trim();
        } catch (Exception | LinkageError e) {
            return UNDEFINED;
        }
    }

    /**
     * Orders versions oldest to newest, the way Maven does in the common cases: numeric parts compare as
     * numbers, a release ("1.0", "1.0.Final") is newer than its qualifiers ("1.0-rc1"), "undefined" is oldest.
     */
    static int compare(String a, String b) {
        boolean aUndefined = a == null || UNDEFINED.equals(a);
        boolean bUndefined = b == null || UNDEFINED.equals(b);
        if (aUndefined || bUndefined) {
            return Boolean.compare(bUndefined, aUndefined);
        }
        List<String> left = tokens(a);
        List<String> right = tokens(b);
        for (int i = 0; i < Math.max(left.size(), right.size()); i++) {
            int cmp = compareToken(i < left.size() ? left.get(i) : "", i < right.size() ? right.get(i) : "");
            if (cmp != 0) {
                return cmp;
            }
        }
        return 0;
    }

    private static int compareToken(String a, String b) {
        boolean aNumber = isNumber(a);
        boolean bNumber = isNumber(b);
        if (aNumber && bNumber) {
            String x = a.replaceFirst("^0+(?=.)", "");
            String y = b.replaceFirst("^0+(?=.)", "");
            return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
        }
        if (aNumber != bNumber) {
            // A missing part compares like 0 against numbers; a number beats any qualifier.
            String other = aNumber ? b : a;
            if (other.isEmpty()) {
                String number = aNumber ? a : b;
                int sign = number.matches("0+") ? 0 : 1;
                return aNumber ? sign : -sign;
            }
            return aNumber ? 1 : -1;
        }
        boolean aRelease = RELEASE_QUALIFIERS.contains(a);
        boolean bRelease = RELEASE_QUALIFIERS.contains(b);
        if (aRelease || bRelease) {
            return aRelease && bRelease ? 0 : aRelease ? 1 : -1;
        }
        return a.compareTo(b);
    }

    private static boolean isNumber(String token) {
        return !token.isEmpty() && Character.isDigit(token.charAt(0));
    }

    private static List<String> tokens(String version) {
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (char c : version.toLowerCase(java.util.Locale.ROOT).toCharArray()) {
            boolean separator = c == '.' || c == '-' || c == '_' || c == '+';
            boolean kindChange = current.length() > 0
                    && Character.isDigit(c) != Character.isDigit(current.charAt(current.length() - 1));
            if (separator || kindChange) {
                if (current.length() > 0) {
                    tokens.add(current.toString());
                    current.setLength(0);
                }
            }
            if (!separator) {
                current.append(c);
            }
        }
        if (current.length() > 0) {
            tokens.add(current.toString());
        }
        return tokens;
    }
}
