/**
 * Testing aio4j code with JUnit Jupiter (pytest-asyncio, trio.testing): {@link dev.aio4j.test.AioTest}
 * runs each test on a fresh loop with a real-time limit and leak checks
 * ({@link dev.aio4j.test.LeakError}); {@link dev.aio4j.test.TestClock} moves a test's virtual
 * time; {@link dev.aio4j.test.Sequencer} forces an order on code in different tasks; and
 * {@link dev.aio4j.test.MemoryStreams} connects stream pairs in memory.
 */
package dev.aio4j.test;
