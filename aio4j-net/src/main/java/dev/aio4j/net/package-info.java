/**
 * Networking on the running loop (asyncio's streams, servers, transports and protocols, and its
 * {@code sock*} functions): {@link dev.aio4j.net.Net} opens connections and servers over TCP, TLS,
 * Unix-domain sockets and UDP; {@link dev.aio4j.net.StreamReader} and
 * {@link dev.aio4j.net.StreamWriter} are the stream API, {@link dev.aio4j.net.Protocol} and
 * {@link dev.aio4j.net.Transport} the callback API. Every call is made from a task, and waiting
 * suspends only that task.
 */
package dev.aio4j.net;
