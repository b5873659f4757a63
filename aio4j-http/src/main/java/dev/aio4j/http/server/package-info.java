/**
 * An HTTP/1.1 server on aio4j-net's streams (aiohttp.web): {@link dev.aio4j.http.server.HttpServer}
 * serves each connection with a task, {@link dev.aio4j.http.server.Router} routes requests by
 * method and path pattern to {@link dev.aio4j.http.server.Handler}s through middleware, and a
 * handler reads its {@link dev.aio4j.http.server.Request} and returns a
 * {@link dev.aio4j.http.server.Response}, as plain sequential code that suspends only its task.
 */
package dev.aio4j.http.server;
