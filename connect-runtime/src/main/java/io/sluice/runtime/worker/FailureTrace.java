package io.sluice.runtime.worker;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The trace of a FAILED connector or task as the status API, the console and JMX show it: the cause chain
 * first, root cause first (the first line is what really went wrong, e.g. "password authentication failed",
 * however many wrappers a plugin put around it), then the full stack trace, as Apache's status shows it.
 */
public final class FailureTrace {
    private FailureTrace() {
    }

    /** The status trace of an error. */
    public static String of(Throwable error) {
        List<Throwable> chain = chain(error);
        StringWriter out = new StringWriter();
        if (chain.size() > 1) {
            out.append("Root cause: ").append(line(chain.get(chain.size() - 1))).append('\n');
            for (int i = chain.size() - 2; i >= 0; i--) {
                out.append("  which caused ").append(line(chain.get(i))).append('\n');
            }
            out.append('\n');
        }
        error.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    /** The root cause's one line, "class: message", for JMX and metrics where a whole trace does not fit. */
    public static String rootCause(Throwable error) {
        List<Throwable> chain = chain(error);
        return line(chain.get(chain.size() - 1));
    }

    /** The error and its causes, outermost first, each once. */
    private static List<Throwable> chain(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static String line(Throwable t) {
        String message = t.getMessage();
        // a multi-line message (a database's detail lines) stays on its line of the chain
        return message == null ? t.getClass().getName()
                : t.getClass().getName() + ": " + message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
