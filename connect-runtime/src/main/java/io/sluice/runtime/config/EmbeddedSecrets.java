package io.sluice.runtime.config;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Secrets inside a value that is not itself secret: a JDBC URL's {@code password=...} (or {@code pwd=},
 * {@code passwd=}, {@code secret=}) parameter, and a URL's {@code user:password@}. Masking replaces only that part
 * with {@link ConfigRedactor#HIDDEN} ({@code jdbc:postgresql://h/db?user=app&password=[hidden]}); restoring puts
 * the stored secrets back where a value sent back still shows them masked, so a round trip through a masked view
 * keeps them, as it does for whole secret values. A part that is a config provider placeholder is shown as it is.
 * The same patterns mask logged values in the shipped log4j2.xml.
 */
final class EmbeddedSecrets {
    private static final String HIDDEN = ConfigRedactor.HIDDEN;
    /** group 1: the parameter with its "=" (its name in group 2); group 3: the secret. */
    private static final Pattern PARAMETER =
            Pattern.compile("(?i)((password|passwd|pwd|secret)=)(?!\\$\\{)([^&;\\s,'\"]+)");
    /** group 1: "://user:"; group 2: the password, before "@". */
    private static final Pattern USER_INFO = Pattern.compile("(://[^/\\s:@]+:)(?!\\$\\{)([^/\\s@]+)@");
    private static final String USER_INFO_KEY = "://";

    private EmbeddedSecrets() {
    }

    /** The value with each embedded secret replaced by [hidden]; the value itself when it holds none. */
    static String mask(String value) {
        if (value == null || value.indexOf('=') < 0 && value.indexOf('@') < 0) {
            return value;
        }
        String masked = PARAMETER.matcher(value).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + HIDDEN));
        return USER_INFO.matcher(masked).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + HIDDEN) + "@");
    }

    /** The secrets embedded in a value (none for null), as {@link #mask} finds them. */
    static List<String> find(String value) {
        List<String> found = new ArrayList<>();
        if (value == null) {
            return found;
        }
        Matcher p = PARAMETER.matcher(value);
        while (p.find()) {
            found.add(p.group(3));
        }
        Matcher u = USER_INFO.matcher(value);
        while (u.find()) {
            found.add(u.group(2));
        }
        return found;
    }

    /**
     * The submitted value with each [hidden] part replaced by the stored value's secret of the same parameter (in
     * the order they appear) or user info; parts the stored value has no secret for stay as sent.
     */
    static String restore(String submitted, String stored) {
        if (submitted == null || stored == null || !submitted.contains(HIDDEN)) {
            return submitted;
        }
        Map<String, Deque<String>> secrets = new HashMap<>();
        Matcher p = PARAMETER.matcher(stored);
        while (p.find()) {
            secrets.computeIfAbsent(p.group(2).toLowerCase(Locale.ROOT), k -> new ArrayDeque<>()).add(p.group(3));
        }
        Matcher u = USER_INFO.matcher(stored);
        while (u.find()) {
            secrets.computeIfAbsent(USER_INFO_KEY, k -> new ArrayDeque<>()).add(u.group(2));
        }
        String restored = PARAMETER.matcher(submitted).replaceAll(m -> Matcher.quoteReplacement(m.group(1)
                + storedOr(secrets, m.group(2).toLowerCase(Locale.ROOT), m.group(3))));
        return USER_INFO.matcher(restored).replaceAll(m -> Matcher.quoteReplacement(m.group(1)
                + storedOr(secrets, USER_INFO_KEY, m.group(2))) + "@");
    }

    /** The next stored secret of this kind when the submitted one is masked, else the submitted one. */
    private static String storedOr(Map<String, Deque<String>> secrets, String kind, String submitted) {
        Deque<String> stored = secrets.get(kind);
        String next = stored == null ? null : stored.poll();
        return HIDDEN.equals(submitted) && next != null ? next : submitted;
    }
}
