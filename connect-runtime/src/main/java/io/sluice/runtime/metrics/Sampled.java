package io.sluice.runtime.metrics;

/** Something that keeps a short history: the registry's sampler calls it once a second. */
interface Sampled {
    void sample(long nowMs);
}
