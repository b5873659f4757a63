package dev.aio4j.internal;

/**
 * A primitive that one task holds at a time (a Lock): the deadlock detector follows a waiter
 * to the holder. Read on the loop only.
 */
public interface HasHolder {
    /** The task holding it (the owner of the strand that acquired it), or null. */
    Object holder();
}
