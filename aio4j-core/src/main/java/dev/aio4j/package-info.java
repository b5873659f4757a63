/**
 * Python's asyncio for Java: an event loop whose tasks are virtual threads. {@link dev.aio4j.Aio}
 * holds the entry points ({@code run}, {@code sleep}, {@code gather}, {@code waitFor}, timeouts,
 * {@code toThread}); {@link dev.aio4j.EventLoop}, {@link dev.aio4j.Task},
 * {@link dev.aio4j.Future} and {@link dev.aio4j.TaskGroup} are asyncio's classes of the same
 * names, and {@link dev.aio4j.ContextVar} its context variables. A task suspends at aio4j's waits
 * and everything else on its loop runs meanwhile; with {@code --add-opens
 * java.base/java.lang=ALL-UNNAMED} the loop schedules its tasks on one carrier thread (carrier
 * mode), without it they are default-scheduler virtual threads passing a baton (portable mode).
 */
package dev.aio4j;
