package io.sluice.bench;

/** One benchmark scenario; it adds its rows to the context's report. */
public interface Scenario {

    /** "1" to "10", as given to --only. */
    String id();

    /** The label in the table's first column, e.g. "1 framework". */
    String label();

    void run(BenchContext ctx) throws Exception;
}
