package io.sluice.runtime.rest;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The body of every REST error, as Apache's: {"error_code": N, "message": "..."}. */
public record ErrorMessage(@JsonProperty("error_code") int errorCode, String message) {
}
