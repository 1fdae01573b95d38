package io.sluice.runtime.model;

/** The state a user asked a connector to be in; stored with its config so it survives restarts. */
public enum TargetState {
    STARTED, PAUSED, STOPPED
}
