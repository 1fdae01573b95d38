package io.sluice.runtime.herder;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Stack traces as the status API reports them. */
final class Traces {
    private Traces() {
    }

    static String of(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
