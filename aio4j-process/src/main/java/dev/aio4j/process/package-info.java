/**
 * Child processes from tasks (asyncio's {@code create_subprocess_exec} and
 * {@code create_subprocess_shell}): {@link dev.aio4j.process.Processes} starts them, and a
 * {@link dev.aio4j.process.Subprocess} has its pipes as streams on the loop that started it, so
 * reading a child's output, writing its input and waiting for its exit suspend only the calling
 * task.
 */
package dev.aio4j.process;
