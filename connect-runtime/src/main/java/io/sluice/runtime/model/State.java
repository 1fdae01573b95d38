package io.sluice.runtime.model;

/** The observed state of a connector or task, as the REST status API reports it. */
public enum State {
    UNASSIGNED, RUNNING, PAUSED, STOPPED, FAILED, RESTARTING, DESTROYED
}
