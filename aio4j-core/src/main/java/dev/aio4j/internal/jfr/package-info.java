/**
 * The loop's JDK Flight Recorder events, category "aio4j": stalls, slow callbacks and steps,
 * task lifecycles and periodic loop statistics. Each is built only when a recording has it
 * enabled; see {@code dev.aio4j.LoopEvents} for where they are emitted and docs/debugging.md for
 * how to record them.
 */
package dev.aio4j.internal.jfr;
