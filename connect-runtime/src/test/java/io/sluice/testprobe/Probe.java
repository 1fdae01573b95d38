package io.sluice.testprobe;

/** A runtime class that test plugins bundle their own copy of, to check child-first loading. */
public final class Probe {

    private Probe() {
    }

    public static String origin() {
        return "runtime";
    }
}
