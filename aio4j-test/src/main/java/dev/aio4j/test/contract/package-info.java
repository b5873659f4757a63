/**
 * Contract tests to extend for your own primitives: {@link dev.aio4j.test.contract.LockContract}
 * checks what every one-permit lock-like primitive keeps (mutual exclusion, FIFO service, no
 * barging, safe cancellation) through a {@link dev.aio4j.test.contract.LockLike} adapter, and
 * {@link dev.aio4j.test.contract.StreamContract} what every stream connection keeps.
 */
package dev.aio4j.test.contract;
