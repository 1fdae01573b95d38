package io.sluice.runtime.config;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The secret values of one connector's config (found by {@link SecretKeys#secretValues}), to hide in any text the
 * runtime shows about that connector (validation errors, status traces, failure logs): a plugin's message may
 * quote its config, e.g. a driver's "Unable to parse URL jdbc:...?password=...".
 */
public final class SecretValues {
    public static final SecretValues NONE = new SecretValues(List.of());

    /** Longest first, so a secret that contains another is hidden whole. */
    private final List<String> values;

    SecretValues(Collection<String> values) {
        Set<String> distinct = new LinkedHashSet<>();
        for (String v : values) {
            if (v != null && !v.isBlank() && !ConfigRedactor.HIDDEN.equals(v)) {
                distinct.add(v);
            }
        }
        List<String> sorted = new ArrayList<>(distinct);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        this.values = List.copyOf(sorted);
    }

    /** These secrets and the other's. */
    public SecretValues and(SecretValues other) {
        if (other.values.isEmpty()) {
            return this;
        }
        List<String> all = new ArrayList<>(values);
        all.addAll(other.values);
        return new SecretValues(all);
    }

    /** Hides these values in every log line of this process from now on, whoever logs them. */
    public SecretValues hideInLogs() {
        SecretsInLogs.hide(values);
        return this;
    }

    /** The full stack trace of an error, as Apache's status API shows it, with these secrets hidden. */
    public String trace(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return redact(out.toString());
    }

    /** The text with every occurrence of a secret replaced by [hidden]; null stays null. */
    public String redact(String text) {
        if (text == null || values.isEmpty()) {
            return text;
        }
        StringBuilder result = new StringBuilder(text);
        hide(result, 0, values);
        return result.toString();
    }

    /**
     * Replaces each occurrence of the secrets (longest first) in text from {@code from} on by [hidden], where it
     * stands as a whole: a secret that begins or ends with a letter or digit is not hidden inside a longer word.
     * The password "postgres" must not turn org.postgresql.util.PSQLException into org.[hidden]ql.util..., which
     * garbles every trace and tells the password by where the mask sits; in password=postgres or
     * user:postgres@host it is hidden.
     */
    static void hide(StringBuilder text, int from, List<String> secrets) {
        for (String secret : secrets) {
            int at = text.indexOf(secret, from);
            while (at >= 0) {
                int end = at + secret.length();
                if (standsAlone(text, at, end, secret)) {
                    text.replace(at, end, ConfigRedactor.HIDDEN);
                    at = text.indexOf(secret, at + ConfigRedactor.HIDDEN.length());
                } else {
                    at = text.indexOf(secret, at + 1);
                }
            }
        }
    }

    private static boolean standsAlone(CharSequence text, int at, int end, String secret) {
        boolean startsInWord = Character.isLetterOrDigit(secret.charAt(0));
        boolean endsInWord = Character.isLetterOrDigit(secret.charAt(secret.length() - 1));
        return !(startsInWord && at > 0 && Character.isLetterOrDigit(text.charAt(at - 1)))
                && !(endsInWord && end < text.length() && Character.isLetterOrDigit(text.charAt(end)));
    }
}
