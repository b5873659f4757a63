/**
 * Files from tasks (trio's {@code Path}, aiofiles): {@link dev.aio4j.file.AioPath} and
 * {@link dev.aio4j.file.AsyncFile} run each file operation on a bounded pool of platform threads
 * shared by every loop ({@link dev.aio4j.file.FilePool}), while the calling task is suspended, so a
 * slow disk never holds a loop's carrier.
 */
package dev.aio4j.file;
