package dev.aio4j;

/**
 * What a task keeps only for diagnostics (debug mode, a JFR recording): allocated the first time
 * one of them is needed, so that a task in a plain run does not carry these fields.
 */
final class TaskDiagnostics {

    /** No step is being timed. */
    static final long NOT_TIMED = Long.MIN_VALUE;

    /** Debug mode or a recording: the scheduler's held-time reading when the current step started. */
    long stepHeldStart = NOT_TIMED;

    /** When a recorded TaskLifecycle event saw the task created (System.nanoTime), else 0. */
    long recordedNanos;

    /** Debug mode: where the last cancellation reached the task (see SwallowedCancellation), or null. */
    SwallowedCancellation swallowed;
}
